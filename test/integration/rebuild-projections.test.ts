import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/settings.ts';
import { baseUrl, call, idle, unique } from './client.ts';
import { customer, placeOrder, stockedProduct } from './fixtures.ts';
import { inProcess } from './in-process.ts';

/**
 * Read models corrupted on purpose — a user's stats and recent orders, the history items of a
 * declined and of a confirmed order (the latter also the projector's guard), a product's sales —
 * are found by a dry run, repaired by
 * `npm run rebuild-projections`, stay right when the projector sees the orders again, and a
 * second run finds nothing.
 */
const run = promisify(execFile);
let checkpointDir: string;
const rebuild = (args: string[]) =>
  run('npm', ['run', '--silent', 'rebuild-projections', '--', '--sandbox', baseUrl(), '--segments', '3', '--checkpoint-dir', checkpointDir, ...args], {
    cwd: projectRoot,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });

let dynamo: DynamoDBDocumentClient;
let table: string;
beforeAll(async () => {
  const { sandbox } = await inProcess();
  table = sandbox.tableName;
  dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: sandbox.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
  checkpointDir = await mkdtemp(join(tmpdir(), 'rebuild-'));
});
afterAll(async () => {
  dynamo?.destroy();
  if (checkpointDir) await rm(checkpointDir, { recursive: true, force: true });
});

const keys = {
  stats: (userId: string) => ({ pk: `$commerce#userId_${userId}`, sk: '$account#userStats_1' }),
  history: (userId: string, orderId: string) => ({ pk: `$commerce#userId_${userId}`, sk: `$userOrder_1#orderId_${orderId}` }),
  sales: (productId: string) => ({ pk: `$commerce#productId_${productId}`, sk: '$productSales_1' }),
  order: (orderId: string) => ({ pk: `$commerce#orderId_${orderId}`, sk: '$order_1' }),
};
const raw = async (key: Record<string, string>) => (await dynamo.send(new GetCommand({ TableName: table, Key: key }))).Item;

/** Delivers the order's current item to the projector again, in this process, as a redelivered stream record would. */
async function redeliver(orderId: string): Promise<void> {
  const image = marshall((await raw(keys.order(orderId)))!, { removeUndefinedValues: true });
  const batch = {
    Records: [{ eventID: unique('e'), eventName: 'MODIFY', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1', dynamodb: { Keys: marshall(keys.order(orderId)), NewImage: image, SequenceNumber: '1', StreamViewType: 'NEW_AND_OLD_IMAGES' } }],
  } as unknown as DynamoDBStreamEvent;
  const { handler } = await import('../../lambdas/projections/project-orders.ts');
  expect((await handler(batch, { functionName: 'replay', awsRequestId: unique('r') } as Context)).batchItemFailures).toEqual([]);
}

describe('npm run rebuild-projections on the sandbox', () => {
  it('finds corrupted read models in a dry run, repairs them, keeps the projector exactly-once, and a second run finds nothing', async () => {
    const cup = await stockedProduct(700, { w1: 10 });
    const saucer = await stockedProduct(300, { w1: 10 });
    const { userId, token } = await customer();
    const first = await placeOrder(token, [{ productId: cup, quantity: 2 }, { productId: saucer, quantity: 1 }]);
    const second = await placeOrder(token, [{ productId: cup, quantity: 1 }]);
    const declined = await placeOrder(token, [{ productId: saucer, quantity: 3 }], 'tok_decline');
    await idle();
    const me = async () => (await call('GET', '/me', { token })).body;
    const history = async () => (await call('GET', '/me/orders', { token })).body;
    const before = { me: await me(), history: await history(), cup: await raw(keys.sales(cup)), saucer: await raw(keys.sales(saucer)) };
    expect(before.me.stats).toEqual({ orderCount: 2, lifetimeValueCents: 2400 });
    expect(before.me.recentOrders).toHaveLength(3);
    expect(before.cup).toMatchObject({ unitsSold: 3, revenueCents: 2100 });

    // Whatever earlier test files left behind is repaired first, so that the reports below are ours alone.
    await rebuild([]);

    // Corrupt on purpose, behind the projector's back.
    const update = (Key: Record<string, string>, UpdateExpression: string, values?: Record<string, unknown>) =>
      dynamo.send(new UpdateCommand({ TableName: table, Key, UpdateExpression, ...(values ? { ExpressionAttributeValues: values } : {}) }));
    await update(keys.stats(userId), 'SET orderCount = :n, lifetimeValueCents = :v, recentOrders = :r', { ':n': 99, ':v': 1, ':r': [] });
    await dynamo.send(new DeleteCommand({ TableName: table, Key: keys.history(userId, second.body.orderId) }));
    await dynamo.send(new DeleteCommand({ TableName: table, Key: keys.history(userId, declined.body.orderId) }));
    await update(keys.sales(cup), 'SET unitsSold = :n', { ':n': 1000 });

    const dry = await rebuild(['--dry-run']);
    expect(dry.stdout).toMatch(/differences found \(dry run, nothing written\)/);
    for (const found of [`userStats: \\d+\\n[^]*${userId}: orderCount: 99 → 2`, `orderHistory: \\d+\\n[^]*${declined.body.orderId}: missing`, `productSales: \\d+\\n[^]*${cup}: unitsSold: 1000 → 3`, `orderHistory: \\d+\\n[^]*${second.body.orderId}: missing`]) {
      expect(dry.stdout).toMatch(new RegExp(found));
    }
    expect((await me()).stats).toEqual({ orderCount: 99, lifetimeValueCents: 1 });

    const repaired = await rebuild([]);
    expect(repaired.stdout).toMatch(/differences repaired/);
    expect(repaired.stdout).toMatch(new RegExp(`${userId}: orderCount: 99 → 2, lifetimeValueCents: 1 → 2400, recentOrders: \\[\\] → `));
    expect(repaired.stderr).toMatch(/items scanned/); // the progress bar
    expect(await me()).toEqual(before.me);
    expect(await history()).toEqual(before.history);
    expect(await raw(keys.sales(cup))).toMatchObject({ unitsSold: 3, revenueCents: 2100 });
    expect(await raw(keys.history(userId, second.body.orderId))).toMatchObject({ status: 'CONFIRMED' });

    // The guards are back in step: the projector seeing the confirmed orders again adds nothing.
    await redeliver(first.body.orderId);
    await redeliver(second.body.orderId);
    expect(await me()).toEqual(before.me);
    expect(await raw(keys.sales(cup))).toMatchObject({ unitsSold: 3, revenueCents: 2100 });

    const again = await rebuild([]);
    expect(again.stdout).toMatch(/done: \d+ orders, no differences\n$/);
  });

  it('documents itself and refuses bad options', async () => {
    expect((await rebuild(['--help'])).stdout).toMatch(/--stack NAME[\s\S]*--dry-run[\s\S]*resume/);
    await expect(rebuild(['--segments', 'many'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/--segments must be an integer/) });
  });
});
