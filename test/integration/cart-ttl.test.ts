import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/index.ts';
import { unique } from './client.ts';
import { expectConforms } from './openapi-conformance.ts';

/**
 * Cart expiry end to end, on a sandbox of its own whose functions run with CART_TTL_SECONDS=2
 * (the shared sandbox keeps the template's week).
 */
describe('cart expiry with CART_TTL_SECONDS=2', () => {
  let sandbox: Sandbox;
  let dynamo: DynamoDBClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, inMemory: true, logs: false, env: { CART_TTL_SECONDS: '2' } });
    dynamo = new DynamoDBClient({ endpoint: sandbox.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  });
  afterAll(async () => {
    dynamo?.destroy();
    await sandbox?.stop();
  });

  type Cart = { items: Array<{ productId: string; quantity: number }>; expiresAt: string | null };
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    expectConforms(method, path, response, text);
    return { status: response.status, body: JSON.parse(text) as Cart };
  };
  const storedLine = async (userId: string, productId: string) =>
    (await dynamo.send(new GetItemCommand({ TableName: sandbox.tableName, Key: { pk: { S: `$commerce#userId_${userId}` }, sk: { S: `$cartItem_1#productId_${productId}` } }, ConsistentRead: true }))).Item;

  it('stops serving a line once it expires, and the sweep deletes it from the table', async () => {
    const admin = await sandbox.issueToken({ sub: 'admin-ttl', admin: true });
    const productId = unique('p');
    expect((await call('PUT', `/products/${productId}`, admin, { name: 'Expiring', priceCents: 100 })).status).toBe(200);
    const userId = unique('u');
    const token = await sandbox.issueToken({ sub: userId });

    const added = await call('PUT', `/me/cart/items/${productId}`, token, { quantity: 1 });
    expect(added.status).toBe(200);
    expect(added.body.items).toEqual([expect.objectContaining({ productId, quantity: 1 })]);
    expect(Date.parse(added.body.expiresAt!) - Date.now()).toBeLessThanOrEqual(2_000);
    expect((await storedLine(userId, productId))?.ttl?.N).toBeDefined();

    // DynamoDB deletes lazily; the read must drop the line by its TTL alone. Poll until it does.
    const deadline = Date.now() + 15_000;
    let cart = added.body;
    while (cart.items.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      cart = (await call('GET', '/me/cart', token)).body;
    }
    expect(cart).toEqual({ items: [], expiresAt: null });

    const sweep = await fetch(`${sandbox.url}/_sandbox/ttl-sweep`, { method: 'POST' });
    expect(sweep.status).toBe(200);
    expect(await storedLine(userId, productId)).toBeUndefined();
  });
});
