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

// The rollup's and the archive's rules are test/unit/projections/roll-up-metrics.test.ts's and
// archive-expired-events.test.ts's; the requests they make, test/unit/adapters/metrics-store.test.ts's
// and archive-sink.test.ts's. Here: stream records in, batch item failures out.
describe('metric projector: rollups (AP13)', () => {
  it('rolls the inserted events of each hour up, and reports nothing', async () => {
    const other = metricEvent('D', 1, '2026-11-24T11');
    const result = await run(inserted('1', a), inserted('2', b), inserted('3', other), inserted('4', c));
    expect(result.batchItemFailures).toEqual([]);
    expect(transactions().map(({ count, sum, flagged }) => ({ count, sum, flagged }))).toEqual([
      { count: 3, sum: 10.5, flagged: [a.sk, b.sk, c.sk] },
      { count: 1, sum: 1, flagged: [other.sk] },
    ]);
    expect(ranges()).toHaveLength(4);
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

describe('metric projector: archive of expired metric events', () => {
  it('writes the TTL deletions as ndjson objects per metric and day, keyed by their first record', async () => {
    const result = await run(
      ttlRemoved('100', metricEvent('X', 1, '2026-11-20T10')),
      ttlRemoved('101', metricEvent('Y', 2, '2026-11-20T23', 'views')),
      ttlRemoved('102', metricEvent('Z', 3, '2026-11-20T22')),
    );
    expect(result.batchItemFailures).toEqual([]);
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts.map(({ Key }) => Key)).toEqual(['metrics/clicks/2026-11-20/100.ndjson', 'metrics/views/2026-11-20/101.ndjson']);
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
