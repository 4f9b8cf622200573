import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackfillOptions, runBackfill } from '../../scripts/backfill/run.ts';
import { baseUrl, call, idle, tokenFor, unique } from './client.ts';
import { schemaOneStockItem } from './fixtures.ts';
import { inProcess } from './in-process.ts';

/**
 * Schema evolution on the sandbox: users written in schema 1 (one profile.name) read as schema 2
 * before any migration, and the backfill migrates them in bulk, resumably and idempotently.
 */
let harness: Awaited<ReturnType<typeof inProcess>>;
let dynamo: DynamoDBDocumentClient;
let checkpointDir: string;

beforeAll(async () => {
  harness = await inProcess();
  dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: harness.sandbox.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
  );
  checkpointDir = await mkdtemp(join(tmpdir(), 'backfill-'));
});
afterAll(async () => {
  dynamo?.destroy();
  if (checkpointDir) await rm(checkpointDir, { recursive: true, force: true });
});

const userKey = (userId: string) => ({ pk: `$commerce#userId_${userId}`, sk: '$account#user_1' });

/** A user item exactly as the schema-1 code wrote it through ElectroDB (keys, identifiers and all). */
function schemaOneUser(userId: string, name: string, options: { versionless?: boolean } = {}) {
  return {
    ...userKey(userId),
    __edb_e__: 'user',
    __edb_v__: '1',
    userId,
    email: `${userId}@example.com`,
    status: 'active',
    profile: { name, phone: '+1 555 0100' },
    ...(options.versionless ? {} : { schemaVersion: 1 }),
    createdAt: '2025-06-01T12:00:00.000Z',
    updatedAt: '2025-06-02T12:00:00.000Z',
  };
}

async function seed(table: string, items: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    const { UnprocessedItems } = await dynamo.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
    expect(UnprocessedItems?.[table] ?? []).toEqual([]);
  }
}

async function rawUser(table: string, userId: string) {
  return (await dynamo.send(new GetCommand({ TableName: table, Key: userKey(userId) }))).Item;
}

describe('users of schema 1 on the sandbox table', () => {
  const names = ['Ada Lovelace', 'Grace Brewster Hopper', 'Cher', 'Alan  Turing'];
  const seeded = Array.from({ length: 12 }, (_, i) => ({ userId: unique('legacy'), name: names[i % names.length]! }));
  let options: BackfillOptions;

  beforeAll(async () => {
    options = { table: harness.sandbox.tableName, endpoint: harness.sandbox.dynamodbEndpoint, segments: 3, checkpointDir };
    await seed(options.table, seeded.map(({ userId, name }, i) => schemaOneUser(userId, name, { versionless: i % 4 === 0 })));
  });

  it('read as schema 2 before any migration, through the API and the adapter', async () => {
    const { userId } = seeded[1]!;
    const me = await call('GET', '/me', { token: await tokenFor(userId) });
    expect(me.status).toBe(200);
    expect(me.body.profile).toEqual({ givenName: 'Grace', familyName: 'Brewster Hopper', name: 'Grace Brewster Hopper', phone: '+1 555 0100' });

    const { getUser } = await import('../../lambdas/adapters/user-store.ts');
    expect(await getUser(userId)).toMatchObject({ schemaVersion: 2, profile: { givenName: 'Grace', familyName: 'Brewster Hopper' } });
    expect((await rawUser(options.table, userId))?.profile).toEqual({ name: 'Grace Brewster Hopper', phone: '+1 555 0100' });
  });

  it('are migrated by the backfill, and a second run changes nothing', async () => {
    const first = await runBackfill(options);
    expect(first).toMatchObject({ completed: true, resumed: false, totalSegments: 3 });
    expect(first.migrated).toBeGreaterThanOrEqual(seeded.length);

    for (const { userId, name } of seeded) {
      const item = await rawUser(options.table, userId);
      const [givenName, ...family] = name.split(/\s+/);
      expect(item).toEqual({
        ...schemaOneUser(userId, name),
        schemaVersion: 2,
        profile: { givenName, ...(family.length ? { familyName: family.join(' ') } : {}), phone: '+1 555 0100' },
      });
    }
    const me = await call('GET', '/me', { token: await tokenFor(seeded[0]!.userId) });
    expect(me.body.profile).toEqual({ givenName: 'Ada', familyName: 'Lovelace', name: 'Ada Lovelace', phone: '+1 555 0100' });

    const second = await runBackfill(options);
    expect(second).toMatchObject({ completed: true, migrated: 0 });
    expect(second.skipped).toBeGreaterThanOrEqual(seeded.length);
    expect(existsSync(second.checkpointPath)).toBe(false);
  });

  it('stay editable with PUT /me after the migration', async () => {
    const { userId } = seeded[2]!;
    const reply = await call('PUT', '/me', { token: await tokenFor(userId), body: { email: `${userId}@example.com`, familyName: 'Sarkisian' } });
    expect(reply.status).toBe(200);
    expect(reply.body.profile).toEqual({ givenName: 'Cher', familyName: 'Sarkisian', name: 'Cher Sarkisian', phone: '+1 555 0100' });
  });
});

describe('inventory of schema 1 on the sandbox table (decision 0013)', () => {
  const productId = unique('legacy-stock');
  const pk = `$commerce#productId_${productId}`;
  const schemaOneStock = (warehouseId: string, available: number) => schemaOneStockItem(productId, warehouseId, available);
  const stockItems = async (table: string) =>
    (
      await dynamo.send(
        new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }),
      )
    ).Items?.filter((item) => item.__edb_e__ === 'inventory') ?? [];
  const total = async () => (await call('GET', `/products/${productId}/inventory`, { token: await tokenFor('admin-backfill', { admin: true }) })).body;
  let options: BackfillOptions;

  beforeAll(async () => {
    options = { table: harness.sandbox.tableName, endpoint: harness.sandbox.dynamodbEndpoint, segments: 2, checkpointDir, stockBuckets: 4 };
    const token = await tokenFor('admin-backfill', { admin: true });
    expect((await call('PUT', `/products/${productId}`, { token, body: { name: 'Legacy stock', priceCents: 100 } })).status).toBe(200);
    expect((await call('PUT', `/products/${productId}/inventory/w1`, { token, body: { available: 10 } })).status).toBe(200);
    // w5 has both: a schema-1 item written by old code during a rollout after new code set buckets.
    await seed(options.table, [schemaOneStock('w0', 7), schemaOneStock('w9', 0), schemaOneStock('w5', 2), { ...schemaOneStock('w5', 1), sk: '$inventory_1#warehouseId_w5#bucket_0', bucket: 0, schemaVersion: 2 }]);
  });
  afterAll(async () => {
    await dynamo.send(new DeleteCommand({ TableName: options.table, Key: { pk, sk: '$inventory_1#warehouseId_w5' } }));
  });

  it('read, before any migration, as one more bucket of their warehouse', async () => {
    expect(await total()).toMatchObject({ total: 20, warehouses: [{ warehouseId: 'w0', available: 7 }, { warehouseId: 'w1', available: 10 }, { warehouseId: 'w5', available: 3 }, { warehouseId: 'w9', available: 0 }] });
  });

  it('are spread over the buckets by the backfill, the stock unchanged; what already has buckets is left alone', async () => {
    const first = await runBackfill(options);
    expect(first).toMatchObject({ completed: true });
    expect(first.migrated).toBeGreaterThanOrEqual(2);
    expect(first.left).toBeGreaterThanOrEqual(1);

    const items = await stockItems(options.table);
    const of = (warehouseId: string) => items.filter((item) => item.warehouseId === warehouseId).sort((a, b) => (a.bucket ?? -1) - (b.bucket ?? -1));
    expect(of('w0').map((item) => [item.sk, item.available, item.schemaVersion])).toEqual([
      ['$inventory_1#warehouseId_w0#bucket_0', 2, 2],
      ['$inventory_1#warehouseId_w0#bucket_1', 2, 2],
      ['$inventory_1#warehouseId_w0#bucket_2', 2, 2],
      ['$inventory_1#warehouseId_w0#bucket_3', 1, 2],
    ]);
    expect(of('w0')[0]).toEqual({ ...schemaOneStock('w0', 2), sk: '$inventory_1#warehouseId_w0#bucket_0', bucket: 0, schemaVersion: 2 });
    expect(of('w9').map((item) => item.available)).toEqual([0, 0, 0, 0]);
    expect(of('w5').map((item) => [item.bucket, item.available])).toEqual([[undefined, 2], [0, 1]]);
    expect(await total()).toMatchObject({ total: 20 });

    const second = await runBackfill(options);
    expect(second).toMatchObject({ completed: true, migrated: 0 });
    expect(second.left).toBeGreaterThanOrEqual(1);
  });

  it('settle as bucketed stock afterwards', async () => {
    const { token } = await (async () => {
      const userId = unique('backfill-buyer');
      const userToken = await tokenFor(userId, { email: `${userId}@example.com` });
      expect((await call('PUT', '/me', { token: userToken, body: { email: `${userId}@example.com`, name: 'Buyer' } })).status).toBe(200);
      return { token: userToken };
    })();
    const placed = await call('POST', '/orders', { token, headers: { 'idempotency-key': unique('idem') }, body: { items: [{ productId, quantity: 12 }], paymentToken: 'tok_ok' } });
    expect(placed.status).toBe(202);
    await idle();
    expect((await call('GET', `/orders/${placed.body.orderId}`, { token })).body.status).toBe('CONFIRMED');
    expect(await total()).toMatchObject({ total: 8 });
  });
});

describe('an interrupted backfill', () => {
  const table = unique('backfill');
  const oldUsers = Array.from({ length: 30 }, (_, i) => schemaOneUser(`old-${i}`, `Given${i} Family${i}`));
  const currentUsers = Array.from({ length: 5 }, (_, i) => ({
    ...userKey(`new-${i}`),
    __edb_e__: 'user',
    userId: `new-${i}`,
    profile: { givenName: 'New' },
    schemaVersion: 2,
  }));
  const products = Array.from({ length: 5 }, (_, i) => ({ pk: `$commerce#productId_p${i}`, sk: '$product_1', __edb_e__: 'product', name: 'Cup', schemaVersion: 1 }));
  const tableSize = oldUsers.length + currentUsers.length + products.length;
  let options: BackfillOptions;

  // A table of its own, so that every item scanned can be counted exactly.
  beforeAll(async () => {
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      }),
    );
    await seed(table, [...oldUsers, ...currentUsers, ...products]);
    options = { table, endpoint: harness.sandbox.dynamodbEndpoint, pageSize: 4, checkpointDir };
  });
  afterAll(() => dynamo.send(new DeleteTableCommand({ TableName: table })));

  /** Runs a backfill that is interrupted as soon as its first page is done. */
  async function interruptedRun(extra: Partial<BackfillOptions> = {}) {
    const interruption = new AbortController();
    return runBackfill({ ...options, ...extra, signal: interruption.signal, onProgress: (progress) => progress.scanned > 0 && interruption.abort() });
  }

  it('resumes from its checkpoint: nothing scanned twice, everything migrated once', async () => {
    const first = await interruptedRun({ segments: 2 });
    expect(first.completed).toBe(false);
    expect(first.scanned).toBeGreaterThan(0);
    expect(first.scanned).toBeLessThan(tableSize);
    const checkpoint = JSON.parse(await readFile(first.checkpointPath, 'utf8'));
    expect(checkpoint.totalSegments).toBe(2);
    expect(checkpoint.segments.some((segment: { lastEvaluatedKey: unknown }) => segment.lastEvaluatedKey !== null)).toBe(true);

    await expect(runBackfill({ ...options, segments: 3 })).rejects.toThrow(/2 segments/);

    const rest = await runBackfill(options);
    expect(rest).toMatchObject({ completed: true, resumed: true, totalSegments: 2 });
    expect(first.scanned + rest.scanned).toBe(tableSize);
    expect(first.migrated + rest.migrated).toBe(oldUsers.length);
    expect(first.skipped + rest.skipped).toBe(currentUsers.length);
    expect(existsSync(rest.checkpointPath)).toBe(false);

    for (const { userId } of [oldUsers[0]!, oldUsers[29]!]) expect((await rawUser(table, userId))?.schemaVersion).toBe(2);
    const product = await dynamo.send(new GetCommand({ TableName: table, Key: { pk: products[0]!.pk, sk: products[0]!.sk } }));
    expect(product.Item).toEqual(products[0]);

    const again = await runBackfill(options);
    expect(again).toMatchObject({ completed: true, resumed: false, scanned: tableSize, migrated: 0, skipped: oldUsers.length + currentUsers.length });
  });

  it('starts over with reset, whatever its checkpoint says', async () => {
    const interrupted = await interruptedRun({ segments: 2 });
    expect(interrupted.completed).toBe(false);
    const restarted = await runBackfill({ ...options, segments: 3, reset: true });
    expect(restarted).toMatchObject({ completed: true, resumed: false, totalSegments: 3, scanned: tableSize, migrated: 0 });
  });
});

describe('npm run backfill', () => {
  const run = promisify(execFile);
  const cli = (args: string[]) => run(join('node_modules', '.bin', 'tsx'), ['scripts/backfill.ts', ...args]);

  it('finds the sandbox on its own, migrates, and reports on stdout with progress on stderr', async () => {
    const userId = unique('legacy-cli');
    await seed(harness.sandbox.tableName, [schemaOneUser(userId, 'Edsger Wybe Dijkstra')]);
    const { stdout, stderr } = await cli(['--sandbox', baseUrl(), '--segments', '2', '--checkpoint-dir', checkpointDir]);
    expect(stdout).toMatch(new RegExp(`backfill of ${harness.sandbox.tableName} done: \\d+ items scanned, [1-9]\\d* migrated`));
    expect(stderr).toMatch(/items scanned/);
    expect((await rawUser(harness.sandbox.tableName, userId))?.profile).toEqual({ givenName: 'Edsger', familyName: 'Wybe Dijkstra', phone: '+1 555 0100' });
  });

  it('documents itself and refuses bad options', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/--segments N[\s\S]*--reset[\s\S]*resume/);
    await expect(cli(['--segments', 'many'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/--segments must be an integer/) });
  });
});
