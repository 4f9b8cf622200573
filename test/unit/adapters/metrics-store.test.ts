import { BatchWriteCommand, type BatchWriteCommandInput, DynamoDBDocumentClient, TransactWriteCommand, type TransactWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { metricEventOfImage } from '../../../lambdas/adapters/metric-reads.ts';
import { countIntoRollup, putMetricEvents, widenRollupRange } from '../../../lambdas/adapters/metrics-store.ts';
import type { MetricEvent, RecordedMetricEvent } from '../../../lambdas/domain/metrics.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

const receivedAt = new Date('2026-11-24T10:30:00.000Z');
const events = (n: number, extra: Partial<MetricEvent> = {}): MetricEvent[] =>
  Array.from({ length: n }, (_, i) => ({ name: 'page_view', hour: '2026-11-24T10', eventId: `E${String(i).padStart(3, '0')}`, at: receivedAt.toISOString(), value: i, userId: 'user-1', ...extra }));
type Put = { PutRequest: { Item: Record<string, any> } };
const putsOf = (input: BatchWriteCommandInput) => Object.values(input.RequestItems ?? {}).flat() as Put[];
const writtenItems = () => dynamo.commandCalls(BatchWriteCommand).flatMap((call) => putsOf(call.args[0].input).map((put) => put.PutRequest.Item));

beforeEach(() => {
  dynamo.reset();
  dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
  dynamo.on(TransactWriteCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('putMetricEvents (AP14 writes)', () => {
  it('stores 500 events in 20 BatchWriteItem requests of 25', async () => {
    expect(await putMetricEvents(events(500), receivedAt)).toBe('stored');
    const calls = dynamo.commandCalls(BatchWriteCommand);
    expect(calls.map((call) => putsOf(call.args[0].input).length)).toEqual(Array(20).fill(25));
    const items = writtenItems();
    expect(items.map((item) => item.value).sort((a, b) => a - b)).toEqual(events(500).map((e) => e.value));
    expect(new Set(items.map((item) => item.eventId)).size).toBe(500);
  });

  it('writes each event into a random shard of its name and hour, with the TTL of the metrics retention', async () => {
    await putMetricEvents([{ name: 'add_to_cart', hour: '2026-11-24T10', eventId: 'E1', at: receivedAt.toISOString(), value: 1, productId: 'p-1', userId: 'user-1' }], receivedAt);
    const [item] = writtenItems();
    expect(item).toMatchObject({ name: 'add_to_cart', value: 1, productId: 'p-1', userId: 'user-1', __edb_e__: 'metricEvent' });
    expect(item!.shard).toBeGreaterThanOrEqual(0);
    expect(item!.shard).toBeLessThan(8);
    expect(item!.pk).toBe(`$commerce#name_add_to_cart#hour_${item!.hour}#shard_${item!.shard}`);
    expect(item!.sk).toBe(`$metricEvent_1#at_${item!.at}#eventId_${item!.eventId}`);
    expect(item!.ttl).toBe(Math.floor(receivedAt.getTime() / 1000) + 90 * 86_400);
  });

  it('takes the shard count from the configuration (8)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    await putMetricEvents(events(1), receivedAt);
    expect(writtenItems()[0]!.shard).toBe(4);
  });

  it('spreads events over the shards', async () => {
    await putMetricEvents(events(400), receivedAt);
    expect(new Set(writtenItems().map((item) => item.shard))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
  });

  it('resends only the unprocessed items, then succeeds', async () => {
    dynamo.on(BatchWriteCommand).callsFakeOnce((input: BatchWriteCommandInput) => {
      const [table, requests] = Object.entries(input.RequestItems!)[0]!;
      return { UnprocessedItems: { [table]: requests.slice(0, 3) } };
    }).resolves({ UnprocessedItems: {} });
    expect(await putMetricEvents(events(10), receivedAt)).toBe('stored');
    const calls = dynamo.commandCalls(BatchWriteCommand);
    expect(calls).toHaveLength(2);
    expect(putsOf(calls[1]!.args[0].input)).toEqual(putsOf(calls[0]!.args[0].input).slice(0, 3));
  });

  it('answers busy when items stay unprocessed through every retry', async () => {
    vi.useFakeTimers();
    dynamo.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => ({ UnprocessedItems: input.RequestItems }));
    const pending = putMetricEvents(events(30), receivedAt);
    await vi.runAllTimersAsync();
    expect(await pending).toBe('busy');
    // Two requests (25 + 5), each tried a bounded number of times.
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(12);
  });

  it('throws when DynamoDB throttles the whole request', async () => {
    dynamo.on(BatchWriteCommand).rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(putMetricEvents(events(3), receivedAt)).rejects.toThrow('slow down');
  });

  it('keeps at most 4 requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    dynamo.on(BatchWriteCommand).callsFake(async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { UnprocessedItems: {} };
    });
    expect(await putMetricEvents(events(500), receivedAt)).toBe('stored');
    expect(peak).toBe(4);
  });
});

const recordedEvent = (eventId: string, value: number, hour = '2026-11-24T10', name = 'clicks'): RecordedMetricEvent => ({
  name, hour, shard: 1, eventId, at: `${hour}:05:00.000Z`, value, userId: 'u1',
});
const itemOf = (event: RecordedMetricEvent) => ({
  __edb_e__: 'metricEvent', __edb_v__: '1',
  pk: `$commerce#name_${event.name}#hour_${event.hour}#shard_${event.shard}`, sk: `$metricEvent_1#at_${event.at}#eventId_${event.eventId}`,
  ...event, ttl: 1_900_000_000, schemaVersion: 1,
});
const canceled = (...codes: Array<string | { item: RecordedMetricEvent }>) =>
  Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((code) => (typeof code === 'string' ? { Code: code } : { Code: 'ConditionalCheckFailed', Item: marshall({ ...itemOf(code.item), rolledUp: true }) })),
  });
const [a, b, c] = [recordedEvent('A', 5), recordedEvent('B', -2), recordedEvent('C', 7.5)];
const rollup = { name: 'clicks', hour: '2026-11-24T10' };

describe('countIntoRollup (AP13, exactly once)', () => {
  it('adds count and sum to the rollup and flags each event, in one transaction, keeping the rollup for the retention after its hour', async () => {
    expect(await countIntoRollup(rollup, [a, b, c], { count: 3, sum: 10.5 })).toEqual({ outcome: 'committed' });
    const [call] = dynamo.commandCalls(TransactWriteCommand);
    const [add, ...flags] = (call!.args[0].input as TransactWriteCommandInput).TransactItems!;
    const values = add!.Update!.ExpressionAttributeValues!;
    expect({ key: add!.Update!.Key, count: values[':count_u0'], sum: values[':sum_u0'], ttl: values[':ttl_u0'] }).toEqual({
      key: { pk: '$commerce#name_clicks', sk: '$metricRollup_1#hour_2026-11-24T10' }, count: 3, sum: 10.5, ttl: Date.parse('2026-11-24T11:00:00Z') / 1000 + 90 * 86_400,
    });
    expect(flags.map((flag) => flag.Update!.Key!.sk)).toEqual([itemOf(a).sk, itemOf(b).sk, itemOf(c).sk]);
    expect(flags[0]!.Update!.ConditionExpression).toBe('attribute_exists(#pk) AND attribute_exists(#sk) AND attribute_not_exists(#rolledUp)');
    expect(flags[0]!.Update!.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('tells events already counted from events gone, by the old item the condition failure hands back', async () => {
    dynamo.on(TransactWriteCommand).rejects(canceled('None', { item: a }, 'ConditionalCheckFailed', 'None'));
    const result = await countIntoRollup(rollup, [a, b, c], { count: 3, sum: 10.5 });
    expect(result).toEqual({ outcome: 'stale', alreadyCounted: new Set([0]), missing: new Set([1]) });
  });

  it('answers contended when another writer held an item', async () => {
    dynamo.on(TransactWriteCommand).rejects(canceled('TransactionConflict', 'None'));
    expect(await countIntoRollup(rollup, [a], { count: 1, sum: 5 })).toEqual({ outcome: 'contended' });
  });
});

describe('widenRollupRange', () => {
  /** min/max updates as [attribute, value, condition]. */
  const rangeUpdates = () =>
    dynamo.commandCalls(UpdateCommand).map((call) => {
      const { ExpressionAttributeNames: names = {}, ExpressionAttributeValues: values = {}, ConditionExpression } = call.args[0].input;
      const attribute = Object.values(names).includes('min') ? 'min' : 'max';
      return [attribute, values[`:${attribute}_u0`], ConditionExpression];
    });

  it('lowers min and raises max with two conditional updates; a failed condition means already covered', async () => {
    dynamo.on(UpdateCommand).rejectsOnce(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' })).resolves({});
    expect(await widenRollupRange(rollup, -2, 7.5)).toBe('done');
    expect(rangeUpdates()).toEqual(expect.arrayContaining([
      ['min', -2, 'attribute_not_exists(#min) OR #min > :min0'],
      ['max', 7.5, 'attribute_not_exists(#max) OR #max < :max0'],
    ]));
    expect(rangeUpdates()).toHaveLength(2);
  });

  it('answers contended when a transaction held the rollup', async () => {
    dynamo.on(UpdateCommand).rejectsOnce(Object.assign(new Error('Transaction is ongoing for the item'), { name: 'TransactionConflictException' })).resolves({});
    expect(await widenRollupRange(rollup, 1, 1)).toBe('contended');
  });
});

describe('metricEventOfImage', () => {
  it('reads a metric event from a stream image, and nothing else', () => {
    expect(metricEventOfImage(marshall(itemOf(a)))).toEqual(a);
    expect(metricEventOfImage(marshall({ __edb_e__: 'cartItem', __edb_v__: '1', pk: 'p', sk: 's', userId: 'u', productId: 'p', quantity: 1, addedAt: 'a', ttl: 1 }))).toBeNull();
    expect(metricEventOfImage(undefined)).toBeNull();
  });
});
