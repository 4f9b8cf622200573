import { type AttributeValue, DynamoDBClient, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, idle, tokenFor, unique } from './client.ts';
import { admin } from './fixtures.ts';
import { commands, inProcess } from './in-process.ts';

const SHARDS = 8; // the template's METRIC_SHARD_COUNT

/**
 * Metric events end to end: POST /events → sharded raw events (AP14) → the stream → hourly rollups
 * (AP13) → GET /admin/metrics; and a replay of the same stream records through the projector.
 */
describe('metrics: ingestion, rollups, redelivery', () => {
  let harness: Awaited<ReturnType<typeof inProcess>>;
  let dynamodb: DynamoDBClient;
  const name = unique('m');
  // Every event in the previous hour: one rollup, whatever the minute the test runs at.
  const hourStart = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
  const hour = hourStart.toISOString().slice(0, 13);
  const values = Array.from({ length: 500 }, (_, i) => (i % 7) - 3 + (i % 3) * 0.25);
  const expected = {
    hour: hourStart.toISOString(),
    count: 500,
    sum: values.reduce((a, b) => a + b, 0),
    min: Math.min(...values),
    max: Math.max(...values),
  };
  const rollups = async () => call('GET', `/admin/metrics/${name}?from=${hourStart.toISOString()}&to=${new Date(hourStart.getTime() + 3_599_999).toISOString()}`, { token: await admin() });

  beforeAll(async () => {
    harness = await inProcess({ METRIC_SHARD_COUNT: String(SHARDS) });
    dynamodb = new DynamoDBClient({ endpoint: harness.sandbox.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  });

  it('POST /events stores all 500 events, spread over the shards of their hour (AP14: one Query per shard)', async () => {
    const userId = unique('u');
    const token = await tokenFor(userId);
    const events = values.map((value, i) => ({ name, value, at: new Date(hourStart.getTime() + i * 7_000).toISOString(), ...(i % 10 === 0 ? { productId: 'p-metrics' } : {}) }));
    const reply = await call('POST', '/events', { token, body: { events } });
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({ accepted: 500 });

    const { listEventsOfHour } = await import('../../lambdas/adapters/metric-reads.ts');
    const { result, requests } = await harness.count(() => listEventsOfHour(name, hour));
    expect(commands(requests)).toEqual(Array(SHARDS).fill('QueryCommand'));
    expect(result.map((event) => event.value).sort((a, b) => a - b)).toEqual([...values].sort((a, b) => a - b));
    expect(result.every((event) => event.userId === userId && event.hour === hour)).toBe(true);
    expect(result.filter((event) => event.productId === 'p-metrics')).toHaveLength(50);
    expect(new Set(result.map((event) => event.shard)).size).toBeGreaterThan(1);
    // Time order across shards.
    expect(result.map((event) => event.at)).toEqual([...events.map((event) => event.at)].sort());
  });

  it('rolls them up exactly: GET /admin/metrics/{name} (AP13: one Query)', async () => {
    await idle();
    const reply = await rollups();
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ items: [expected] });

    const { listRollups } = await import('../../lambdas/adapters/metric-reads.ts');
    const { result, requests } = await harness.count(() => listRollups(name, hour, hour));
    expect(commands(requests)).toEqual(['QueryCommand']);
    expect(result).toHaveLength(1);
  });

  it('replaying the same stream records counts nothing twice (and repairs min and max)', async () => {
    // The INSERT records as the stream carried them: the items without the flag the projector added.
    const images: Array<Record<string, AttributeValue>> = [];
    for (let shard = 0; shard < SHARDS; shard++) {
      const { Items = [] } = await dynamodb.send(
        new QueryCommand({ TableName: harness.sandbox.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `$commerce#name_${name}#hour_${hour}#shard_${shard}` } } }),
      );
      images.push(...Items.map(({ rolledUp, ...image }) => image));
    }
    expect(images).toHaveLength(500);
    // An event that never reached the table (or expired before its record was processed) counts nowhere.
    const ghost: Record<string, AttributeValue> = { ...images[0]!, sk: { S: `$metricEvent_1#at_${hourStart.toISOString()}#eventId_ghost` }, eventId: { S: 'ghost' }, value: { N: '1000000' } };
    const records: DynamoDBRecord[] = [...images, ghost].map((image, i) => ({
      eventID: String(i), eventName: 'INSERT', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1',
      dynamodb: { Keys: { pk: image.pk!, sk: image.sk! } as never, NewImage: image as never, SequenceNumber: String(1000 + i), StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }));

    // As if the first delivery died between counting and widening min/max: the replay must repair them.
    await dynamodb.send(
      new UpdateItemCommand({ TableName: harness.sandbox.tableName, Key: { pk: { S: `$commerce#name_${name}` }, sk: { S: `$metricRollup_1#hour_${hour}` } }, UpdateExpression: 'REMOVE #min, #max', ExpressionAttributeNames: { '#min': 'min', '#max': 'max' } }),
    );

    const { handler } = await import('../../lambdas/projections/project-metrics.ts');
    const context = { functionName: 'replay', awsRequestId: 'r' } as Context;
    for (let delivery = 0; delivery < 2; delivery++) {
      for (let start = 0; start < records.length; start += 100) {
        const batch = { Records: records.slice(start, start + 100) } as DynamoDBStreamEvent;
        expect((await handler(batch, context)).batchItemFailures).toEqual([]);
      }
    }
    expect((await rollups()).body).toEqual({ items: [expected] });
  });

  it('GET /admin/metrics checks its caller and its range', async () => {
    const customer = await tokenFor(unique('u'));
    expect((await call('GET', `/admin/metrics/${name}`, { token: customer })).status).toBe(403);
    const token = await admin();
    expect((await call('GET', `/admin/metrics/${'x'.repeat(65)}`, { token })).status).toBe(400);
    const tooLong = await call('GET', `/admin/metrics/${name}?from=2026-01-01T00:00:00Z&to=2026-02-15T00:00:00Z`, { token });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('VALIDATION_FAILED');
    expect((await call('GET', `/admin/metrics/${name}?from=yesterday`, { token })).status).toBe(400);
    // Nothing in the default range (the last 24 h) but this hour's rollup.
    expect((await call('GET', `/admin/metrics/${name}`, { token })).body).toEqual({ items: [expected] });
  });
});
