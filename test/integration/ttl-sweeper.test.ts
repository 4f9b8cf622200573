import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type StreamViewType,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxLog } from '../../sandbox/logs.ts';
import { launchDynamoDbLocal, type DynamoDbLocal } from '../../sandbox/services/dynamodb-local.ts';
import { localClientConfig } from '../../sandbox/services/local-clients.ts';
import type { TableSpec } from '../../sandbox/topology/storage.ts';
import { TtlDeletions } from '../../sandbox/ttl-deletions.ts';
import { TtlSweeper } from '../../sandbox/ttl-sweeper.ts';

/**
 * The sandbox's TTL sweeper on a DynamoDB Local of its own: it learns which items carry a TTL from
 * the table's stream (one Scan at start for what was there before), so a sweep scans nothing however
 * large the table, and still deletes exactly the items due — whatever happened to their TTL since
 * they were written.
 */
let local: DynamoDbLocal;
let client: DynamoDBClient;
let streams: DynamoDBStreamsClient;
/** Scans the sweeper's own client sent. */
let scans = 0;
const log = createSandboxLog(false);
const now = () => Math.floor(Date.now() / 1000);
const key = (id: string): Record<string, AttributeValue> => ({ pk: { S: id }, sk: { S: 'item' } });

async function table(name: string, view: StreamViewType): Promise<{ spec: TableSpec; arn: string }> {
  const { TableDescription } = await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: view },
    }),
  );
  const spec: TableSpec = {
    logicalId: name,
    name,
    keySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    attributeDefinitions: [],
    globalSecondaryIndexes: [],
    localSecondaryIndexes: [],
    streamViewType: view,
    ttlAttribute: 'ttl',
  };
  return { spec, arn: TableDescription!.LatestStreamArn! };
}

const put = (tableName: string, id: string, ttl?: number) =>
  client.send(new PutItemCommand({ TableName: tableName, Item: { ...key(id), ...(ttl === undefined ? {} : { ttl: { N: String(ttl) } }) } }));
const exists = async (tableName: string, id: string) => (await client.send(new GetItemCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }))).Item !== undefined;

beforeAll(async () => {
  local = await launchDynamoDbLocal({ dbPath: undefined });
  await local.waitUntilReady();
  client = new DynamoDBClient(localClientConfig(local.endpoint));
  streams = new DynamoDBStreamsClient(localClientConfig(local.endpoint));
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'ScanCommand') scans += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countScans' },
  );
}, 60_000);

afterAll(async () => {
  client?.destroy();
  streams?.destroy();
  await local?.stop();
});

describe('TTL sweeper', () => {
  it('deletes exactly the items due, known from the stream, with no Scan after the one that seeds it', async () => {
    const { spec, arn } = await table('ttl-indexed', 'NEW_AND_OLD_IMAGES');
    const past = now() - 60;
    const future = now() + 3_600;
    // Before the sweeper starts: only the seeding Scan can know of these.
    await put(spec.name, 'before-due', past);
    await put(spec.name, 'before-later', future);

    const sweeper = new TtlSweeper(client, [spec], new TtlDeletions([]), log, { client: streams, arns: { [spec.logicalId]: arn } });
    scans = 0;
    await sweeper.start();
    try {
      // The first sweep seeds the index with its one Scan; whatever follows, only the stream tells.
      expect(await sweeper.sweep()).toBe(1);
      await put(spec.name, 'due', past);
      await put(spec.name, 'later', future);
      await put(spec.name, 'no-ttl');
      // Due when written, then given a later TTL, or none, or deleted by the application.
      await put(spec.name, 'extended', past);
      await client.send(new UpdateItemCommand({ TableName: spec.name, Key: key('extended'), UpdateExpression: 'SET #t = :t', ExpressionAttributeNames: { '#t': 'ttl' }, ExpressionAttributeValues: { ':t': { N: String(future) } } }));
      await put(spec.name, 'cleared', past);
      await client.send(new UpdateItemCommand({ TableName: spec.name, Key: key('cleared'), UpdateExpression: 'REMOVE #t', ExpressionAttributeNames: { '#t': 'ttl' } }));
      await put(spec.name, 'deleted', past);
      await client.send(new DeleteItemCommand({ TableName: spec.name, Key: key('deleted') }));
      // Later when written, then made due.
      await put(spec.name, 'shortened', future);
      await put(spec.name, 'shortened', past);

      expect(await sweeper.sweep()).toBe(2);
      const left = Object.fromEntries(
        await Promise.all(['before-due', 'before-later', 'due', 'later', 'no-ttl', 'extended', 'cleared', 'shortened'].map(async (id) => [id, await exists(spec.name, id)])),
      );
      expect(left).toEqual({ 'before-due': false, 'before-later': true, due: false, later: true, 'no-ttl': true, extended: true, cleared: true, shortened: false });

      // A table many times larger: the next sweeps still scan nothing and find nothing to expire.
      for (let start = 0; start < 2_000; start += 25) {
        const items = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { ...key(`bulk-${start + i}`), ...(i % 5 === 0 ? { ttl: { N: String(future) } } : {}) } } }));
        await client.send(new BatchWriteItemCommand({ RequestItems: { [spec.name]: items } }));
      }
      expect(await sweeper.sweep()).toBe(0);
      await put(spec.name, 'due-at-last', past);
      expect(await sweeper.sweep()).toBe(1);
      expect(await exists(spec.name, 'due-at-last')).toBe(false);
      expect(scans).toBe(1);
    } finally {
      await sweeper.stop();
    }
  });

  it('scans at every sweep a table whose stream carries no new images', async () => {
    const { spec, arn } = await table('ttl-keys-only', 'KEYS_ONLY');
    const sweeper = new TtlSweeper(client, [spec], new TtlDeletions([]), log, { client: streams, arns: { [spec.logicalId]: arn } });
    scans = 0;
    await sweeper.start();
    try {
      await put(spec.name, 'due', now() - 60);
      await put(spec.name, 'later', now() + 3_600);
      expect(await sweeper.sweep()).toBe(1);
      expect(await sweeper.sweep()).toBe(0);
      expect(scans).toBe(2);
      expect([await exists(spec.name, 'due'), await exists(spec.name, 'later')]).toEqual([false, true]);
    } finally {
      await sweeper.stop();
    }
  });
});
