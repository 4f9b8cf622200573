import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnEventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import type { Database } from './database.ts';
import { CommerceFunction } from './function.ts';
import { OperationsDashboard } from './operations-dashboard.ts';
import { settings } from './settings.ts';

/** Namespace and services of the business metrics (EMF, Powertools; `service` is the function's construct id). */
export const businessMetrics = {
  namespace: 'Commerce',
  ordersPlaced: { metricName: 'OrdersPlaced', service: 'OrdersApi' },
  ordersConfirmed: { metricName: 'OrdersConfirmed', service: 'SettleOrder' },
  /** Also dimensioned by `reason` (a closed set of rejection codes). */
  ordersRejected: { metricName: 'OrdersRejected', service: 'SettleOrder' },
  settlementLatency: { metricName: 'SettlementLatency', service: 'SettleOrder' },
  oldestPendingOrderAge: { metricName: 'OldestPendingOrderAgeSeconds', service: 'OrderBackstop' },
  projectionLag: { metricName: 'ProjectionLag', service: 'ProjectOrders' },
  eventsIngested: { metricName: 'MetricEventsIngested', service: 'MetricsApi' },
} as const;

/** DynamoDB operations the platform calls (one metric each; an alarm's math may use at most 10). */
const tableOperations = ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'];

export interface ObservabilityProps {
  readonly database: Database;
  readonly httpApi: HttpApi;
  /** Subscribed to the alarm topic by email (context `alarmEmail`). */
  readonly alarmEmail?: string;
}

/** What an alarm watches and how it judges it. */
interface AlarmSpec {
  readonly metric: IMetric;
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly treatMissingData: TreatMissingData;
  readonly description: string;
}

/** A stream consumer: its function and the mappings reading the stream. */
export interface StreamConsumer {
  readonly fn: CommerceFunction;
  readonly mappings: CfnEventSourceMapping[];
}

/**
 * Alarms, the alarm topic and the on-call dashboard. Functions, queues where failures park, and
 * stream consumers are discovered in the stack's construct tree, so anything added gets its alarms
 * without a change here — as long as this construct is composed last (a validation fails the
 * synthesis otherwise, rather than leaving something unwatched). Every alarm's meaning and fix is in
 * docs/runbook.md.
 */
export class Observability extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // CloudWatch cannot publish to a topic under the AWS-managed SNS key: a key of our own allows it.
    const key = new Key(this, 'AlarmTopicKey', { enableKeyRotation: true, description: 'Encrypts the alarm topic' });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true, displayName: `${stack.stackName} alarms` });
    this.topic.grantPublish(new ServicePrincipal('cloudwatch.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }));
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const discovered = discover(stack);
    const alarm = (name: string, spec: AlarmSpec): Alarm => {
      const created = new Alarm(this, name, {
        alarmName: `${stack.stackName}-${name}`,
        alarmDescription: `${spec.description} See docs/runbook.md.`,
        metric: spec.metric,
        threshold: spec.threshold,
        comparisonOperator: spec.comparisonOperator,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods,
        treatMissingData: spec.treatMissingData,
      });
      created.addAlarmAction(new SnsAction(this.topic));
      created.addOkAction(new SnsAction(this.topic));
      this.alarms.push(created);
      return created;
    };
    const minutes = (n: number) => Duration.minutes(n);
    const atLeast = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
    const above = ComparisonOperator.GREATER_THAN_THRESHOLD;
    // An absent datapoint means "nothing happened" for every metric below but one (the backstop's).
    const quiet = TreatMissingData.NOT_BREACHING;

    for (const queue of discovered.parkingQueues) {
      alarm(`${queue.node.scope!.node.id}${queue.node.id}Messages`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: minutes(1), statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: atLeast,
        evaluationPeriods: 1,
        treatMissingData: quiet,
        description: `A message is waiting in ${queue.node.path}: a failure a person has to look at.`,
      });
    }
    for (const { fn } of discovered.streamConsumers) {
      alarm(`${fn.node.id}IteratorAge`, {
        metric: fn.metric('IteratorAge', { period: minutes(5), statistic: 'Maximum' }),
        threshold: Duration.minutes(10).toMilliseconds(),
        comparisonOperator: above,
        evaluationPeriods: 2,
        treatMissingData: quiet,
        description: `${fn.node.id} has been more than 10 minutes behind the table's stream for 10 minutes.`,
      });
    }
    for (const fn of discovered.functions) {
      alarm(`${fn.node.id}Errors`, {
        metric: fn.metricErrors({ period: minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: atLeast,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: quiet,
        description: `${fn.node.id} failed invocations in 2 of the last 3 five-minute periods.`,
      });
      alarm(`${fn.node.id}Throttles`, {
        metric: fn.metricThrottles({ period: minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: atLeast,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: quiet,
        description: `${fn.node.id} was throttled in 2 of the last 3 five-minute periods.`,
      });
    }

    const requests = props.httpApi.metricCount({ period: minutes(5), statistic: 'Sum' });
    const serverErrors = props.httpApi.metricServerError({ period: minutes(5), statistic: 'Sum' });
    alarm('Api5xxRate', {
      metric: new MathExpression({
        expression: 'IF(requests > 0, 100 * serverErrors / requests, 0)',
        usingMetrics: { requests, serverErrors },
        label: 'HTTP API 5xx (% of requests)',
        period: minutes(5),
      }),
      threshold: 1,
      comparisonOperator: above,
      evaluationPeriods: 2,
      treatMissingData: quiet,
      description: 'More than 1% of HTTP API requests answered 5xx for 10 minutes.',
    });

    const { table } = props.database;
    alarm('TableThrottledRequests', {
      metric: table.metricThrottledRequestsForOperations({ operations: tableOperations as never, period: minutes(5) }),
      threshold: 10,
      comparisonOperator: above,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: quiet,
      description: 'More than 10 table requests per five minutes were throttled, in 2 of the last 3 periods.',
    });
    alarm('TableSystemErrors', {
      metric: table.metricSystemErrorsForOperations({ operations: tableOperations as never, period: minutes(5) }),
      threshold: 1,
      comparisonOperator: atLeast,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: quiet,
      description: 'DynamoDB answered requests with internal errors in 2 of the last 3 five-minute periods.',
    });

    const business = (spec: { metricName: string; service: string }, statistic: string) =>
      new Metric({ namespace: businessMetrics.namespace, metricName: spec.metricName, dimensionsMap: { service: spec.service }, statistic, period: minutes(5) });
    alarm('OldestPendingOrderAge', {
      metric: business(businessMetrics.oldestPendingOrderAge, 'Maximum'),
      threshold: settings.pendingOrderTimeoutSeconds,
      comparisonOperator: above,
      evaluationPeriods: 2,
      // The backstop publishes every minute, 0 when nothing is pending: silence means it is not running,
      // and then nothing would notice stuck orders either.
      treatMissingData: TreatMissingData.BREACHING,
      description: `An order has been PENDING for more than ${settings.pendingOrderTimeoutSeconds} s, or the backstop stopped reporting, for 10 minutes.`,
    });
    alarm('SettlementLatencyP99', {
      metric: business(businessMetrics.settlementLatency, 'p99'),
      threshold: Duration.seconds(30).toMilliseconds(),
      comparisonOperator: above,
      evaluationPeriods: 2,
      treatMissingData: quiet,
      description: 'The slowest 1% of orders took more than 30 s from 202 to their outcome, for 10 minutes.',
    });

    const dashboard = new OperationsDashboard(this, 'Dashboard', {
      alarms: this.alarms,
      functions: discovered.functions,
      parkingQueues: discovered.parkingQueues,
      workQueues: discovered.workQueues,
      streamConsumers: discovered.streamConsumers,
      httpApi: props.httpApi,
      table,
      tableOperations,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.topic.topicArn, description: 'SNS topic every alarm notifies' });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName, description: 'The on-call dashboard' });

    // Discovery ran now: anything the stack adds after this point would go unwatched, so fail the synthesis.
    const watched = new Set<IConstruct>([...discovered.functions, ...discovered.parkingQueues]);
    const streamWatched = new Set(discovered.streamConsumers.map(({ fn }) => fn));
    this.node.addValidation({
      validate: () => {
        const now = discover(stack);
        const unwatched = [
          ...[...now.functions, ...now.parkingQueues].filter((c) => !watched.has(c)),
          ...now.streamConsumers.map(({ fn }) => fn).filter((fn) => !streamWatched.has(fn)),
        ];
        return unwatched.map((c) => `${c.node.path} was added after ${this.node.path}: compose Observability last so it gets its alarms`);
      },
    });
  }
}

/** Functions, queues and stream consumers of the stack, read from its construct tree. */
function discover(stack: Stack) {
  const all = stack.node.findAll();
  const functions = all.filter((c): c is CommerceFunction => c instanceof CommerceFunction);
  const queues = all.filter((c): c is Queue => c instanceof Queue);
  const mappings = all.filter((c): c is CfnEventSourceMapping => c instanceof CfnEventSourceMapping);
  const consumed = new Set(mappings.map((m) => m.eventSourceArn));
  const names = new Set(functions.map((fn) => fn.node.id));
  if (names.size !== functions.length) throw new Error('Two functions share a construct id, and so a service name and alarm names');
  const streamConsumers: StreamConsumer[] = functions.flatMap((fn) => {
    // Only stream sources (DynamoDB, Kinesis) take a starting position; SQS mappings have none.
    const reading = mappings.filter((m) => m.startingPosition !== undefined && owner(m, functions) === fn);
    return reading.length > 0 ? [{ fn, mappings: reading }] : [];
  });
  return {
    functions,
    streamConsumers,
    /** Queues nothing polls: dead-letter queues and on-failure destinations, where failures wait for a person. */
    parkingQueues: queues.filter((q) => !consumed.has(q.queueArn)),
    /** Queues a function polls: work in progress. */
    workQueues: queues.filter((q) => consumed.has(q.queueArn)),
  };
}

/** The function a mapping invokes: the one it was added to, or the one its FunctionName refers to. */
function owner(mapping: CfnEventSourceMapping, functions: CommerceFunction[]): CommerceFunction | undefined {
  return (
    functions.find((fn) => mapping.node.scopes.includes(fn)) ??
    functions.find((fn) => fn.functionName === mapping.functionName || fn.functionArn === mapping.functionName)
  );
}
