import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  AlarmStatusWidgetSortBy,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { CommerceFunction } from './function.ts';
import { businessMetrics, type StreamConsumer } from './observability.ts';

export interface OperationsDashboardProps {
  readonly alarms: Alarm[];
  readonly functions: CommerceFunction[];
  readonly parkingQueues: Queue[];
  readonly workQueues: Queue[];
  readonly streamConsumers: StreamConsumer[];
  readonly httpApi: HttpApi;
  readonly table: TableV2;
  readonly tableOperations: string[];
}

const period = Duration.minutes(5);
const width = 8;
const height = 6;

/**
 * The on-call dashboard, read top to bottom: what is broken (alarm states, ALARM first), what the
 * business sees (orders, settlement, projections, ingestion), then the technical signals behind each
 * alarm (parked messages, stream lag, functions, API, table) and the table's hot keys.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const graph = (title: string, left: IMetric[], options: { stacked?: boolean } = {}) =>
      new GraphWidget({ title, left, width, height, period, ...options });
    const business = (spec: { metricName: string; service: string }, statistic: string, label?: string) =>
      new Metric({
        namespace: businessMetrics.namespace,
        metricName: spec.metricName,
        dimensionsMap: { service: spec.service },
        statistic,
        period,
        ...(label ? { label } : {}),
      });
    const { ordersRejected } = businessMetrics;
    const rejectedByReason = new MathExpression({
      expression: `SEARCH('{${businessMetrics.namespace},reason,service} MetricName="${ordersRejected.metricName}" service="${ordersRejected.service}"', 'Sum', ${period.toSeconds()})`,
      usingMetrics: {},
      label: '',
      period,
    });
    const perFunction = (metric: (fn: CommerceFunction) => IMetric) => props.functions.map(metric);
    const fnLabel = (fn: CommerceFunction) => ({ label: fn.node.id, period });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${stack.stackName}-operations`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new AlarmStatusWidget({
            title: 'Alarms (ALARM first) — each one has a section in docs/runbook.md',
            alarms: props.alarms,
            sortBy: AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
            width: 24,
            height: 6,
          }),
        ],
        [
          graph('Orders placed, confirmed, rejected', [
            business(businessMetrics.ordersPlaced, 'Sum', 'placed'),
            business(businessMetrics.ordersConfirmed, 'Sum', 'confirmed'),
            business(ordersRejected, 'Sum', 'rejected'),
          ]),
          graph('Orders rejected, by reason', [rejectedByReason], { stacked: true }),
          graph('Settlement latency, 202 → outcome (ms)', [
            business(businessMetrics.settlementLatency, 'p50', 'p50'),
            business(businessMetrics.settlementLatency, 'p99', 'p99'),
          ]),
        ],
        [
          graph('Oldest PENDING order (s)', [business(businessMetrics.oldestPendingOrderAge, 'Maximum', 'oldest PENDING')]),
          graph('Projection lag, change → read model (ms)', [
            business(businessMetrics.projectionLag, 'p99', 'p99'),
            business(businessMetrics.projectionLag, 'Maximum', 'max'),
          ]),
          graph('Metric events ingested', [business(businessMetrics.eventsIngested, 'Sum', 'events')]),
        ],
        [
          graph(
            'Messages parked in dead-letter and failure queues',
            props.parkingQueues.map((q) => q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: q.node.path, period })),
          ),
          graph('Work queues: age of oldest message (s)', [
            ...props.workQueues.map((q) => q.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', label: q.node.path, period })),
          ]),
          graph(
            'Stream consumers: iterator age (ms)',
            props.streamConsumers.map(({ fn }) => fn.metric('IteratorAge', { statistic: 'Maximum', ...fnLabel(fn) })),
          ),
        ],
        [
          graph('Function errors', perFunction((fn) => fn.metricErrors({ statistic: 'Sum', ...fnLabel(fn) }))),
          graph('Function throttles', perFunction((fn) => fn.metricThrottles({ statistic: 'Sum', ...fnLabel(fn) }))),
          graph('Function duration p99 (ms)', perFunction((fn) => fn.metricDuration({ statistic: 'p99', ...fnLabel(fn) }))),
        ],
        [
          graph('HTTP API 5xx (% of requests)', [
            new MathExpression({
              expression: 'IF(requests > 0, 100 * serverErrors / requests, 0)',
              usingMetrics: {
                requests: props.httpApi.metricCount({ statistic: 'Sum', period }),
                serverErrors: props.httpApi.metricServerError({ statistic: 'Sum', period }),
              },
              label: '5xx %',
              period,
            }),
          ]),
          graph('HTTP API requests and errors', [
            props.httpApi.metricCount({ statistic: 'Sum', label: 'requests', period }),
            props.httpApi.metricClientError({ statistic: 'Sum', label: '4xx', period }),
            props.httpApi.metricServerError({ statistic: 'Sum', label: '5xx', period }),
          ]),
          graph('HTTP API latency (ms)', [
            props.httpApi.metricLatency({ statistic: 'p50', label: 'p50', period }),
            props.httpApi.metricLatency({ statistic: 'p99', label: 'p99', period }),
          ]),
        ],
        [
          graph('Table: throttled requests', [
            props.table.metricThrottledRequestsForOperations({ operations: props.tableOperations as never, period, label: 'throttled' }),
          ]),
          graph('Table: system errors', [
            props.table.metricSystemErrorsForOperations({ operations: props.tableOperations as never, period, label: 'system errors' }),
          ]),
          graph('Table: consumed capacity', [
            props.table.metricConsumedReadCapacityUnits({ statistic: 'Sum', label: 'read units', period }),
            props.table.metricConsumedWriteCapacityUnits({ statistic: 'Sum', label: 'write units', period }),
          ]),
        ],
        [hotKeys(stack, props.table)],
      ],
    });
  }
}

/**
 * DynamoDB names its Contributor Insights rules `DynamoDBContributorInsights-{PKC,SKC,PKT,SKT}-<table>-<creation
 * timestamp>`: the timestamp is only known once the table exists, so a widget cannot name the rules at
 * synthesis. The dashboard links to them instead (and to the table's own hot-key graphs).
 */
function hotKeys(stack: Stack, table: TableV2): TextWidget {
  const region = stack.region;
  const console = `https://${region}.console.aws.amazon.com`;
  return new TextWidget({
    width,
    height,
    markdown: [
      '### Hot keys (Contributor Insights)',
      `Table \`${table.tableName}\`: most accessed and most throttled partition and sort keys.`,
      '',
      `* [The table's hot-key graphs](${console}/dynamodbv2/home?region=${region}#table?name=${table.tableName}&tab=monitoring)`,
      `* [Contributor Insights rules](${console}/cloudwatch/home?region=${region}#contributor-insights:rules) — the table's are \`DynamoDBContributorInsights-PKT-${table.tableName}-…\` (throttled) and \`…-PKC-…\` (accessed)`,
      '',
      'Throttling on one key: see docs/runbook.md "Throttling and hot keys".',
    ].join('\n'),
  });
}
