import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, TransactWriteCommand, type TransactWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../lambda-events.ts';

vi.hoisted(() => {
  process.env['ARCHIVE_BUCKET'] = 'archive-unit';
});
const { handler } = await import('../../../lambdas/projections/project-metrics.ts');

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

const metricEvent = (eventId: string, value: number, hour = '2026-11-24T10', name = 'clicks') => ({
  __edb_e__: 'metricEvent', __edb_v__: '1',
  pk: `$commerce#name_${name}#hour_${hour}#shard_1`, sk: `$metricEvent_1#at_${hour}:05:00.000Z#eventId_${eventId}`,
  name, hour, shard: 1, eventId, at: `${hour}:05:00.000Z`, value, userId: 'u1', ttl: 1_900_000_000, schemaVersion: 1,
});
type Item = ReturnType<typeof metricEvent>;
const inserted = (seq: string, item: Item): DynamoDBRecord => ({
  eventID: seq, eventName: 'INSERT', eventSource: 'aws:dynamodb',
  dynamodb: { SequenceNumber: seq, NewImage: marshall(item) as never, StreamViewType: 'NEW_AND_OLD_IMAGES' },
});
const ttlRemoved = (seq: string, item: Record<string, unknown>, byTtl = true): DynamoDBRecord => ({
  eventID: seq, eventName: 'REMOVE', eventSource: 'aws:dynamodb',
  dynamodb: { SequenceNumber: seq, OldImage: marshall(item) as never, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  ...(byTtl ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
});
const run = (...records: DynamoDBRecord[]) => handler({ Records: records } as DynamoDBStreamEvent, lambdaContext);

const canceled = (...codes: Array<string | { item: Item }>) =>
  Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((code) => (typeof code === 'string' ? { Code: code } : { Code: 'ConditionalCheckFailed', Item: marshall({ ...code.item, rolledUp: true }) })),
  });
const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

/** What each transaction asked for: the rollup's ADDs and the events it flagged. */
const transactions = () =>
  dynamo.commandCalls(TransactWriteCommand).map((call) => {
    const [rollup, ...flags] = (call.args[0].input as TransactWriteCommandInput).TransactItems!;
    const values = rollup!.Update!.ExpressionAttributeValues!;
    return { key: rollup!.Update!.Key, count: values[':count_u0'], sum: values[':sum_u0'], ttl: values[':ttl_u0'], flagged: flags.map((flag) => flag.Update!.Key!.sk) };
  });
/** min/max updates as [attribute, value, condition]. */
const rangeUpdates = () =>
  dynamo.commandCalls(UpdateCommand).map((call) => {
    const { ExpressionAttributeNames: names = {}, ExpressionAttributeValues: values = {}, ConditionExpression } = call.args[0].input;
    const attribute = Object.values(names).includes('min') ? 'min' : 'max';
    return [attribute, values[`:${attribute}_u0`], ConditionExpression];
  });
const ranges = () => rangeUpdates().map(([attribute, value]) => [attribute, value]);

const [a, b, c] = [metricEvent('A', 5), metricEvent('B', -2), metricEvent('C', 7.5)];

beforeEach(() => {
  dynamo.reset();
  s3.reset();
  dynamo.on(TransactWriteCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
});

describe('metric rollups (AP13)', () => {
  it('counts an hour’s events in one transaction, flagging each event, then widens min and max', async () => {
    const other = metricEvent('D', 1, '2026-11-24T11');
    const result = await run(inserted('1', a), inserted('2', b), inserted('3', other), inserted('4', c));
    expect(result.batchItemFailures).toEqual([]);
    expect(transactions()).toEqual([
      { key: { pk: '$commerce#name_clicks', sk: '$metricRollup_1#hour_2026-11-24T10' }, count: 3, sum: 10.5, ttl: Date.parse('2026-11-24T11:00:00Z') / 1000 + 90 * 86_400, flagged: [a.sk, b.sk, c.sk] },
      { key: { pk: '$commerce#name_clicks', sk: '$metricRollup_1#hour_2026-11-24T11' }, count: 1, sum: 1, ttl: Date.parse('2026-11-24T12:00:00Z') / 1000 + 90 * 86_400, flagged: [other.sk] },
    ]);
    const [flag] = (dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input as TransactWriteCommandInput).TransactItems!.slice(1);
    expect(flag!.Update!.ConditionExpression).toBe('attribute_exists(#pk) AND attribute_exists(#sk) AND attribute_not_exists(#rolledUp)');
    expect(flag!.Update!.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(rangeUpdates()).toEqual(expect.arrayContaining([
      ['min', -2, 'attribute_not_exists(#min) OR #min > :min0'],
      ['max', 7.5, 'attribute_not_exists(#max) OR #max < :max0'],
      ['min', 1, 'attribute_not_exists(#min) OR #min > :min0'],
      ['max', 1, 'attribute_not_exists(#max) OR #max < :max0'],
    ]));
    expect(rangeUpdates()).toHaveLength(4);
  });

  it('adds nothing when the same batch is delivered again, but still repairs min and max', async () => {
    dynamo.on(TransactWriteCommand).rejects(canceled('None', { item: a }, { item: b }));
    const result = await run(inserted('1', a), inserted('2', b));
    expect(result.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(ranges()).toEqual([['min', -2], ['max', 5]]);
  });

  it('counts only the events not yet counted, and leaves expired ones out of min and max', async () => {
    // a: already counted by an earlier delivery; b: expired and deleted before this delivery; c: new.
    dynamo.on(TransactWriteCommand).rejectsOnce(canceled('None', { item: a }, 'ConditionalCheckFailed', 'None')).resolves({});
    const result = await run(inserted('1', a), inserted('2', b), inserted('3', c));
    expect(result.batchItemFailures).toEqual([]);
    expect(transactions().map(({ count, sum, flagged }) => ({ count, sum, flagged }))).toEqual([
      { count: 3, sum: 10.5, flagged: [a.sk, b.sk, c.sk] },
      { count: 1, sum: 7.5, flagged: [c.sk] },
    ]);
    expect(ranges()).toEqual([['min', 5], ['max', 7.5]]);
  });

  it('retries a transaction that lost a race to a concurrent writer', async () => {
    dynamo.on(TransactWriteCommand).rejectsOnce(canceled('TransactionConflict', 'None')).resolves({});
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({});
    expect((await run(inserted('1', a))).batchItemFailures).toEqual([]);
    expect(transactions().map(({ count }) => count)).toEqual([1, 1]);
  });

  it('splits more than 99 events of one hour over several transactions', async () => {
    const many = Array.from({ length: 150 }, (_, i) => metricEvent(`E${String(i).padStart(3, '0')}`, 1));
    await run(...many.map((item, i) => inserted(String(i + 1), item)));
    expect(transactions().map(({ count, flagged }) => [count, flagged.length])).toEqual([[99, 99], [51, 51]]);
  });

  it('reports the first record of a failed rollup, and archives only the records before it', async () => {
    dynamo.on(TransactWriteCommand).callsFake(async (input: TransactWriteCommandInput) => {
      if (String(input.TransactItems![0]!.Update!.Key!.sk).endsWith('2026-11-24T11')) throw new Error('table unavailable');
      return {};
    });
    const failing = metricEvent('F', 3, '2026-11-24T11');
    const result = await run(
      ttlRemoved('1', metricEvent('X', 1, '2026-11-20T10')),
      inserted('2', a),
      inserted('3', failing),
      ttlRemoved('4', metricEvent('Y', 2, '2026-11-20T10')),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '3' }]);
    const archived = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(archived.map((input) => input.Key)).toEqual(['metrics/clicks/2026-11-20/1.ndjson']);
  });
});

describe('archive of expired metric events', () => {
  it('writes the TTL deletions as ndjson objects per metric and day, keyed by their first record', async () => {
    const result = await run(
      ttlRemoved('100', metricEvent('X', 1, '2026-11-20T10')),
      ttlRemoved('101', metricEvent('Y', 2, '2026-11-20T23', 'views')),
      ttlRemoved('102', metricEvent('Z', 3, '2026-11-20T22')),
    );
    expect(result.batchItemFailures).toEqual([]);
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts.map(({ Bucket, Key, ContentType }) => ({ Bucket, Key, ContentType }))).toEqual([
      { Bucket: 'archive-unit', Key: 'metrics/clicks/2026-11-20/100.ndjson', ContentType: 'application/x-ndjson' },
      { Bucket: 'archive-unit', Key: 'metrics/views/2026-11-20/101.ndjson', ContentType: 'application/x-ndjson' },
    ]);
    expect(String(puts[0]!.Body).trimEnd().split('\n').map((line) => JSON.parse(line).eventId)).toEqual(['X', 'Z']);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('archives nothing but DynamoDB’s own TTL deletions of metric events', async () => {
    const result = await run(
      ttlRemoved('1', metricEvent('X', 1), false),
      ttlRemoved('2', { __edb_e__: 'cartItem', __edb_v__: '1', pk: 'p', sk: 's', userId: 'u', productId: 'p', quantity: 1, addedAt: 'a', ttl: 1 }),
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('fails the whole batch when an archive write fails, so its retry rewrites the same keys', async () => {
    s3.on(PutObjectCommand).rejects(new Error('s3 down'));
    await expect(run(ttlRemoved('1', metricEvent('X', 1)))).rejects.toThrow('s3 down');
  });
});
