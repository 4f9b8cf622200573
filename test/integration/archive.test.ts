import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { keepRecordedCalls } from './exact-grants.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.ts';
import { unique } from './client.ts';
import { expectConforms } from './openapi-conformance.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * Cold storage end to end, on a sandbox of its own whose functions keep metric events for 1 s:
 * events expire, the TTL sweep deletes them, their TTL REMOVE records reach the metrics consumer,
 * which archives them to the bucket as ndjson — each exactly once, and nothing deleted otherwise.
 */
describe('archive of expired metric events (METRICS_TTL_SECONDS=1)', () => {
  let sandbox: Sandbox;
  let dynamodb: DynamoDBClient;
  let s3: S3Client;
  let bucket: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, inMemory: true, logs: false, env: { METRICS_TTL_SECONDS: '1' } });
    dynamodb = new DynamoDBClient({ endpoint: sandbox.endpoints.dynamodb, region: 'us-east-1', credentials });
    s3 = new S3Client({ endpoint: sandbox.endpoints.s3, forcePathStyle: true, region: 'us-east-1', credentials });
    bucket = Object.entries(sandbox.buckets).find(([logicalId]) => logicalId.includes('MetricsArchive'))![1];
  });
  afterAll(async () => {
    dynamodb?.destroy();
    s3?.destroy();
    if (sandbox) await keepRecordedCalls(sandbox.url, 'archive');
    await sandbox?.stop();
  });

  const post = async (token: string, events: unknown[]) => {
    const response = await fetch(`${sandbox.url}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    const text = await response.text();
    expectConforms('POST', '/events', response, text);
    return { status: response.status, body: JSON.parse(text) };
  };

  /** Every archived line under metrics/<name>/, with the object it is in. */
  const archived = async (name: string) => {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `metrics/${name}/` }));
    const objects = await Promise.all(
      Contents.map(async ({ Key }) => {
        const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
        return { key: Key!, lines: (await Body!.transformToString()).split('\n').filter(Boolean).map((line) => JSON.parse(line)) };
      }),
    );
    return objects.flatMap(({ key, lines }) => lines.map((line) => ({ key, ...line })));
  };

  it('archives each expired event exactly once, keyed by metric and day, and nothing deleted deliberately', async () => {
    const userId = unique('u');
    const token = await sandbox.issueToken({ sub: userId });
    const [clicks, views] = [unique('clicks'), unique('views')];
    const at = new Date().toISOString();
    const events = [
      ...Array.from({ length: 30 }, (_, i) => ({ name: clicks, value: i, at, ...(i % 2 ? { productId: 'p-1' } : {}) })),
      ...Array.from({ length: 12 }, (_, i) => ({ name: views, value: 100 + i, at })),
    ];
    expect((await post(token, events)).status).toBe(202);

    // An event an operator deletes on purpose (it would not expire for years): its REMOVE record
    // carries no TTL identity, so it must not be archived.
    const hour = at.slice(0, 13);
    const key = { pk: { S: `$commerce#name_${clicks}#hour_${hour}#shard_0` }, sk: { S: `$metricEvent_1#at_${at}#eventId_deliberate` } };
    await dynamodb.send(
      new PutItemCommand({
        TableName: sandbox.tableName,
        Item: {
          ...key, __edb_e__: { S: 'metricEvent' }, __edb_v__: { S: '1' }, name: { S: clicks }, hour: { S: hour }, shard: { N: '0' },
          eventId: { S: 'deliberate' }, at: { S: at }, value: { N: '999' }, ttl: { N: String(Math.floor(Date.now() / 1000) + 10 * 365 * 86_400) }, schemaVersion: { N: '1' },
        },
      }),
    );
    await sandbox.waitUntilIdle({ timeoutMs: 60_000 });
    await dynamodb.send(new DeleteItemCommand({ TableName: sandbox.tableName, Key: key }));

    // The events carry ttl = ingestion + 1 s. (The sandbox's own 30 s sweep may get some first.)
    const lastTtl = Math.floor(Date.now() / 1000) + 1;
    while (Math.floor(Date.now() / 1000) <= lastTtl) await new Promise((resolve) => setTimeout(resolve, 200));
    await sandbox.sweepTtl();
    await sandbox.waitUntilIdle({ timeoutMs: 60_000 });

    const day = at.slice(0, 10);
    const clickLines = await archived(clicks);
    expect(clickLines.map((line) => line.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(new Set(clickLines.map((line) => line.eventId)).size).toBe(30);
    expect(clickLines.every((line) => line.key.startsWith(`metrics/${clicks}/${day}/`) && line.key.endsWith('.ndjson'))).toBe(true);
    expect(clickLines.find((line) => line.value === 1)).toMatchObject({ name: clicks, productId: 'p-1', userId });
    const viewLines = await archived(views);
    expect(viewLines.map((line) => line.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => 100 + i));

    // A second sweep finds nothing more to expire, and the archive stays as it is.
    const before = [...clickLines, ...viewLines].sort((a, b) => (a.eventId < b.eventId ? -1 : 1));
    await sandbox.sweepTtl();
    await sandbox.waitUntilIdle({ timeoutMs: 60_000 });
    const after = [...(await archived(clicks)), ...(await archived(views))].sort((a, b) => (a.eventId < b.eventId ? -1 : 1));
    expect(after).toEqual(before);
  });
});
