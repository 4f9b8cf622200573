import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommerceStack } from '../../lib/commerce-stack.ts';
import { CommerceFunction } from '../../lib/function.ts';
import { projectRoot, settings } from '../../lib/settings.ts';
import { asyncWiring, type CfnResource, notificationWiring, refId, show, single } from './inspect.ts';
import { newApp, synthesize } from './synth.ts';

const { template } = synthesize({ bundling: false });
const resources = Object.entries(template.toJSON().Resources as Record<string, CfnResource>);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
const alarms = ofType('AWS::CloudWatch::Alarm').map(([id, r]) => ({ id, ...r.Properties }));
const [topicId] = single(template, 'AWS::SNS::Topic');

/** `namespace name dim=value…` of a metric, dimensions sorted and CloudFormation values shown as `<Ref>`. */
function signature(namespace: string, name: string, dimensions: Array<{ Name: string; Value: unknown }> = []): string {
  const dims = dimensions.map((d) => `${d.Name}=${show(d.Value)}`).sort();
  return [namespace, name, ...dims].join(' ');
}

/** Every metric an alarm reads: its own, or each metric its math expression uses. */
function alarmMetrics(alarm: any): string[] {
  if (alarm.MetricName) return [signature(alarm.Namespace, alarm.MetricName, alarm.Dimensions)];
  return alarm.Metrics.filter((q: any) => q.MetricStat).map((q: any) =>
    signature(q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName, q.MetricStat.Metric.Dimensions),
  );
}

function alarmsOn(metric: string): any[] {
  return alarms.filter((alarm) => alarmMetrics(alarm).includes(metric));
}

/** The one alarm reading exactly this metric (alone, not in math). */
function alarmOn(namespace: string, name: string, dimensions: Record<string, unknown>): any {
  const wanted = signature(namespace, name, Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })));
  const found = alarmsOn(wanted).filter((alarm) => alarm.MetricName);
  expect(found.map((a) => a.id), `alarms on ${wanted}`).toHaveLength(1);
  return found[0];
}

const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
const streamMappings = mappings.filter((m) => m.EventSourceArn['Fn::GetAtt']?.[1] === 'StreamArn');
const polledQueues = new Set(mappings.filter((m) => !streamMappings.includes(m)).map((m) => refId(m.EventSourceArn)));
const parkingQueues = ofType('AWS::SQS::Queue').map(([id]) => id).filter((id) => !polledQueues.has(id));
const functionIds = ofType('AWS::Lambda::Function').map(([id]) => id);

describe('the alarm topic', () => {
  it('is encrypted with a rotating key that CloudWatch may use, and refuses plain HTTP', () => {
    const topic = single(template, 'AWS::SNS::Topic')[1];
    const key = single(template, 'AWS::KMS::Key')[1];
    expect(refId(topic.Properties.KmsMasterKeyId)).toBe(single(template, 'AWS::KMS::Key')[0]);
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const cloudwatch = key.Properties.KeyPolicy.Statement.find((s: any) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudwatch?.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
    const policy = single(template, 'AWS::SNS::TopicPolicy')[1].Properties.PolicyDocument.Statement;
    expect(policy).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('has no subscriber unless the alarmEmail context names one (see app.test.ts)', () => {
    expect(ofType('AWS::SNS::Subscription')).toEqual([]);
  });

  it('receives every alarm and every recovery', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions, alarm.id).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions, alarm.id).toEqual([{ Ref: topicId }]);
      expect(alarm.AlarmDescription, alarm.id).toMatch(/runbook/);
    }
  });
});

describe('alarms', () => {
  it('watch the order DLQ, the projection, outbox and notification failure queues: the queues nothing polls', () => {
    const { dlqId, failureQueueId, outboxFailuresId } = asyncWiring(template);
    const { deliveryDlqId, notificationFailuresId } = notificationWiring(template);
    expect(parkingQueues.sort()).toEqual([dlqId, failureQueueId, outboxFailuresId, deliveryDlqId, notificationFailuresId].sort());
  });

  it.each(parkingQueues)('%s: one visible message is enough', (queueId) => {
    const alarm = alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: `<${queueId}.QueueName>` });
    expect(alarm).toMatchObject({
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it.each(streamMappings.map((m) => [refId(m.FunctionName)]))('stream consumer %s: iterator age over 10 minutes, twice', (fnId) => {
    expect(alarmOn('AWS/Lambda', 'IteratorAge', { FunctionName: `<${fnId}>` })).toMatchObject({
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 600_000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
  });

  it.each(functionIds)('function %s: errors and throttles in 2 of 3 five-minute periods', (fnId) => {
    for (const metric of ['Errors', 'Throttles']) {
      expect(alarmOn('AWS/Lambda', metric, { FunctionName: `<${fnId}>` })).toMatchObject({
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('the HTTP API: over 1% of requests answered 5xx, for 10 minutes', () => {
    const [apiId] = single(template, 'AWS::ApiGatewayV2::Api');
    const [alarm] = alarmsOn(signature('AWS/ApiGateway', '5xx', [{ Name: 'ApiId', Value: { Ref: apiId } }]));
    expect(alarmMetrics(alarm)).toContain(signature('AWS/ApiGateway', 'Count', [{ Name: 'ApiId', Value: { Ref: apiId } }]));
    const expression = alarm.Metrics.find((q: any) => q.Expression);
    expect(expression.Expression).toBe('IF(requests > 0, 100 * serverErrors / requests, 0)');
    expect(alarm.Metrics.find((q: any) => q.Id === 'serverErrors').MetricStat.Metric.MetricName).toBe('5xx');
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, TreatMissingData: 'notBreaching' });
  });

  it.each([
    ['ThrottledRequests', 10, 'GreaterThanThreshold'],
    ['SystemErrors', 1, 'GreaterThanOrEqualToThreshold'],
  ])('the table: %s summed over every operation the platform calls', (metricName, threshold, comparison) => {
    const [tableId] = single(template, 'AWS::DynamoDB::GlobalTable');
    // Scan: the operator commands (backfill, rebuild-projections).
    const operations = ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'];
    const onTable = (op: string) => signature('AWS/DynamoDB', metricName, [{ Name: 'TableName', Value: { Ref: tableId } }, { Name: 'Operation', Value: op }]);
    const found = alarms.filter((alarm) => operations.every((op) => alarmMetrics(alarm).includes(onTable(op))));
    expect(found).toHaveLength(1);
    const [alarm] = found;
    const sum = alarm.Metrics.find((q: any) => q.Expression);
    expect(sum.Expression.split(' + ').sort()).toEqual(alarm.Metrics.filter((q: any) => q.MetricStat).map((q: any) => q.Id).sort());
    expect(alarm.Metrics.length).toBeLessThanOrEqual(11); // CloudWatch: at most 10 metrics in an alarm's math
    expect(alarm).toMatchObject({ Threshold: threshold, ComparisonOperator: comparison, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
  });

  it('the oldest PENDING order: older than the pending timeout, or the backstop silent, for 10 minutes', () => {
    expect(alarmOn('Commerce', 'OldestPendingOrderAgeSeconds', { service: 'OrderBackstop' })).toMatchObject({
      Statistic: 'Maximum',
      Period: 300,
      Threshold: settings.pendingOrderTimeoutSeconds,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      TreatMissingData: 'breaching',
    });
    expect(settings.pendingOrderTimeoutSeconds).toBe(300);
  });

  it('settlement latency p99 over 30 s, for 10 minutes', () => {
    expect(alarmOn('Commerce', 'SettlementLatency', { service: 'SettleOrder' })).toMatchObject({
      ExtendedStatistic: 'p99',
      Period: 300,
      Threshold: 30_000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      TreatMissingData: 'notBreaching',
    });
  });

  it('a function composed after Observability fails the synthesis instead of going unwatched', () => {
    const app = newApp({ 'aws:cdk:bundling-stacks': [] });
    const stack = new CommerceStack(app, 'Late');
    new CommerceFunction(stack, 'LateComer', { entry: 'lambdas/metrics/api.ts', description: 'added after Observability' });
    expect(() => app.synth()).toThrow(/Late\/LateComer was added after Late\/Observability/);
  });
});

describe('the dashboard', () => {
  const [, dashboard] = single(template, 'AWS::CloudWatch::Dashboard');
  const body = JSON.parse(show(dashboard.Properties.DashboardBody));
  const graphed = new Set<string>(
    body.widgets
      .flatMap((w: any) => w.properties.metrics ?? [])
      .filter((m: unknown[]) => typeof m[0] === 'string')
      .map((m: unknown[]) => {
        const [namespace, name, ...rest] = m.filter((part) => typeof part === 'string') as string[];
        const dims = [];
        for (let i = 0; i < rest.length; i += 2) dims.push({ Name: rest[i]!, Value: rest[i + 1] });
        return signature(namespace!, name!, dims);
      }),
  );

  it('opens with every alarm’s state', () => {
    const [first] = body.widgets;
    expect(first.type).toBe('alarm');
    expect(first.properties.alarms.sort()).toEqual(alarms.map((a) => `<${a.id}.Arn>`).sort());
    expect(first.properties.sortBy).toBe('stateUpdatedTimestamp');
  });

  it('graphs every metric an alarm reads', () => {
    const missing = alarms.flatMap((alarm) => alarmMetrics(alarm).filter((metric) => !graphed.has(metric)).map((m) => `${alarm.id}: ${m}`));
    expect(missing).toEqual([]);
  });

  it.each([
    ['OrdersPlaced', 'OrdersApi'],
    ['OrdersConfirmed', 'SettleOrder'],
    ['OrdersRejected', 'SettleOrder'],
    ['SettlementLatency', 'SettleOrder'],
    ['ProjectionLag', 'ProjectOrders'],
    ['MetricEventsIngested', 'MetricsApi'],
  ])('graphs the business metric %s of %s', (name, service) => {
    expect(graphed).toContain(signature('Commerce', name, [{ Name: 'service', Value: service }]));
  });

  it('breaks rejections down by reason, and points to the table’s hot keys', () => {
    const text = JSON.stringify(body);
    expect(text).toContain(`SEARCH('{Commerce,reason,service} MetricName=\\"OrdersRejected\\" service=\\"SettleOrder\\"'`);
    const [tableId] = single(template, 'AWS::DynamoDB::GlobalTable');
    expect(text).toContain(`DynamoDBContributorInsights-PKT-<${tableId}>`);
  });
});

describe('business metric names', () => {
  it('use the construct ids of the functions that emit them (POWERTOOLS_SERVICE_NAME)', () => {
    const services = new Set(ofType('AWS::Lambda::Function').map(([, r]) => r.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME));
    for (const service of ['OrdersApi', 'SettleOrder', 'ProjectOrders', 'MetricsApi']) expect(services).toContain(service);
  });
});

describe('docs/runbook.md', () => {
  const runbook = readFileSync(join(projectRoot, 'docs/runbook.md'), 'utf8');
  const sections = new Set([...runbook.matchAll(/^### `?([^`\s]+)`? —/gm)].map((m) => m[1]));
  const services = ofType('AWS::Lambda::Function').map(([, r]) => r.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as string);

  it.each(alarms.map((a) => [a.AlarmName as string]))('has a section for %s', (alarmName) => {
    const what = alarmName.replace(/^Commerce-/, '');
    const service = services.find((s) => what.startsWith(s) && ['Errors', 'Throttles', 'IteratorAge'].includes(what.slice(s.length)));
    expect(sections).toContain(service ? `<Function>${what.slice(service.length)}` : what);
  });
});
