import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { settings, settlementCapacity, settlementSizing } from '../../lib/settings.ts';
import { tunables } from '../../lambdas/tunables.ts';
import { asyncWiring, refId, resource, single } from './inspect.ts';
import { synthesize } from './synth.ts';

const { template } = synthesize({ bundling: false });

const { sqsMapping, streamMapping, orderQueueId, dlqId, failureQueueId } = asyncWiring(template);
const orderQueue = resource(template, orderQueueId);
const worker = resource(template, refId(sqsMapping.Properties.FunctionName));

describe('queues', () => {
  it('the order queue feeds the settle-order worker, the stream feeds the projector', () => {
    expect(orderQueue.Type).toBe('AWS::SQS::Queue');
    expect(worker.Metadata?.['commerce:entry']).toBe('lambdas/orders/settle-order.ts');
    const projector = resource(template, refId(streamMapping.Properties.FunctionName));
    expect(projector.Metadata?.['commerce:entry']).toBe('lambdas/projections/project-orders.ts');
  });

  it.each([
    ['order queue', orderQueueId],
    ['order dead-letter queue', dlqId],
    ['projection failure queue', failureQueueId],
  ])('the %s is encrypted at rest and refuses requests without TLS', (_, queueId) => {
    expect(resource(template, queueId).Properties.SqsManagedSseEnabled).toBe(true);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('dead-letters an order after settings.settlementMaxReceiveCount receives', () => {
    expect(orderQueue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: settings.settlementMaxReceiveCount,
    });
  });

  it('keeps dead letters longer than the order queue keeps messages (a DLQ message keeps its original age)', () => {
    expect(resource(template, dlqId).Properties.MessageRetentionPeriod).toBeGreaterThan(
      orderQueue.Properties.MessageRetentionPeriod ?? 4 * 24 * 3600,
    );
  });

  it('hides a received order for ≥ 6× the worker timeout (Lambda’s guidance for throttled retries)', () => {
    expect(worker.Properties.Timeout).toBeGreaterThan(0);
    expect(orderQueue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker.Properties.Timeout);
  });
});

describe('order queue → settle-order worker', () => {
  it('polls small batches without a batching window, reports per-message failures and caps its concurrency', () => {
    expect(sqsMapping.Properties.MaximumBatchingWindowInSeconds ?? 0).toBe(0);
    expect(sqsMapping.Properties).toMatchObject({
      BatchSize: settings.settlementBatchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: settings.settlementMaxConcurrency },
    });
    expect(sqsMapping.Properties.Enabled).not.toBe(false);
  });

  it('is sized by the rule of docs/data-model.md from the table\'s capacity: workers, batch and each worker\'s rate', () => {
    const sizing = settlementSizing(settlementCapacity);
    expect(settings).toMatchObject({ settlementMaxConcurrency: sizing.workers, settlementBatchSize: sizing.batchSize, settlementRatePerWorker: sizing.ratePerWorker });
    expect(tunables.settlementRatePerWorker.default).toBe(sizing.ratePerWorker);
    expect(worker.Properties.Environment.Variables.SETTLEMENT_RATE_PER_WORKER).toBe(String(sizing.ratePerWorker));
    // Whatever the settlements' latency, the workers together never start more than the table's budget allows.
    expect(sizing.workers * sizing.ratePerWorker * settlementCapacity.writeUnitsPerSettlement).toBeLessThanOrEqual(
      settlementCapacity.tableWriteUnitsPerSecond * settlementCapacity.settlementShare,
    );
  });
});

describe('the settlement sizing rule', () => {
  const base = settlementCapacity;

  it('gives today\'s defaults: 5 workers of 10 records, 22 settlements a second each', () => {
    expect(settlementSizing(base)).toEqual({ ratePerSecond: (4000 * 0.5) / 18, workers: 5, batchSize: 10, ratePerWorker: 22 });
  });

  it('scales the rate with the table, and the workers with how fast a hot product\'s partition is written', () => {
    expect(settlementSizing({ ...base, tableWriteUnitsPerSecond: 8000 }).ratePerWorker).toBe(44);
    // Twice as fast a transaction writes a hot product's partition twice as often: half the workers (never under Lambda's 2).
    expect(settlementSizing({ ...base, transactionSeconds: 0.01 }).workers).toBe(2);
    expect(settlementSizing({ ...base, transactionSeconds: 0.04 })).toMatchObject({ workers: 10, batchSize: 5 });
  });

  it('keeps a batch within what SQS hands over at once', () => {
    expect(settlementSizing({ ...base, inFlight: 500 }).batchSize).toBe(10);
    expect(settlementSizing({ ...base, inFlight: 12 }).batchSize).toBe(3);
  });
});

describe('table stream → projector', () => {
  const mapping = streamMapping.Properties;

  it('reads the table stream from the oldest record, so no change made before deployment is lost', () => {
    expect(refId(mapping.EventSourceArn)).toBe(single(template, 'AWS::DynamoDB::GlobalTable')[0]);
    expect(mapping.StartingPosition).toBe('TRIM_HORIZON');
  });

  it('isolates a poison record: bisects, retries a bounded number of times, reports item failures', () => {
    expect(mapping.BisectBatchOnFunctionError).toBe(true);
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    // -1 (the default) retries until the record expires from the stream, blocking the shard for 24 h.
    expect(mapping.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
    expect(mapping.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    expect(mapping.MaximumRecordAgeInSeconds ?? -1).toBeGreaterThan(0);
  });

  it('describes records it gives up on in the projection failure queue', () => {
    expect(resource(template, failureQueueId).Type).toBe('AWS::SQS::Queue');
    expect(mapping.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [failureQueueId, 'Arn'] } },
    });
  });

  it('is invoked only for inserted or modified order items (ElectroDB entity "order")', () => {
    const filters = mapping.FilterCriteria?.Filters ?? [];
    expect(filters).toHaveLength(1);
    const pattern = JSON.parse(filters[0].Pattern);
    expect(pattern).toEqual({
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: { NewImage: { __edb_e__: { S: ['order'] } } },
    });
  });
});

describe('the outbox relay (decision 0004)', () => {
  const { relayStreamMapping: relay, outboxFailuresId } = asyncWiring(template);

  it('is invoked only for the INSERT of a PENDING order, and of an order event (decision 0009)', () => {
    const patterns = (relay.Properties.FilterCriteria?.Filters ?? []).map((filter: { Pattern: string }) => JSON.parse(filter.Pattern));
    expect(patterns).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { __edb_e__: { S: ['order'] }, status: { S: ['PENDING'] } } } },
      { eventName: ['INSERT'], dynamodb: { NewImage: { __edb_e__: { S: ['orderEvent'] } } } },
    ]);
  });

  it('reports item failures, bisects, retries a bounded number of times, then describes the records on its own queue', () => {
    expect(relay.Properties).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86_400,
    });
    expect(resource(template, outboxFailuresId).Type).toBe('AWS::SQS::Queue');
  });

  it('sends to the order queue that the worker consumes', () => {
    const relayFn = resource(template, refId(relay.Properties.FunctionName));
    expect(relayFn.Properties.Environment.Variables.ORDER_QUEUE_URL).toEqual({ Ref: orderQueueId });
  });
});

describe('the pending-order backstop', () => {
  const [ruleId, rule] = single(template, 'AWS::Events::Rule', { ScheduleExpression: Match.anyValue() });
  const backstop = resource(template, refId(rule.Properties.Targets[0].Arn));

  it('runs every minute, with bounded retries of its invocation', () => {
    expect(rule.Properties).toMatchObject({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
    expect(rule.Properties.Targets).toEqual([expect.objectContaining({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 } })]);
    expect(ruleId).toContain('BackstopSchedule');
  });

  it('is configured with the timeout and re-drive count of lib/settings.ts and the order queue', () => {
    expect(backstop.Metadata?.['commerce:entry']).toBe('lambdas/orders/backstop.ts');
    expect(backstop.Properties.Environment.Variables).toMatchObject({
      PENDING_ORDER_TIMEOUT_SECONDS: String(settings.pendingOrderTimeoutSeconds),
      PENDING_ORDER_MAX_REDRIVES: String(settings.pendingOrderMaxRedrives),
      ORDER_QUEUE_URL: { Ref: orderQueueId },
    });
  });

  it('may be invoked by EventBridge from this rule only', () => {
    single(template, 'AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });
});
