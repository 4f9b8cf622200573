import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { epochSeconds } from '../../../lambdas/domain/expiry.ts';
import { apiHandler } from '../../../lambdas/http/api-handler.ts';
import { deleteCartItem, getCart, putCartItem } from '../../../lambdas/me/cart.ts';
import { httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const handler = apiHandler({
  'GET /me/cart': getCart,
  'PUT /me/cart/items/{productId}': putCartItem,
  'DELETE /me/cart/items/{productId}': deleteCartItem,
});

const WEEK = 7 * 86_400; // the configured default CART_TTL_SECONDS
const line = (productId: string, quantity: number, ttl: number) => ({
  __edb_e__: 'cartItem', __edb_v__: '1', pk: '$commerce#userId_user-1', sk: `$cartItem_1#productId_${productId}`,
  userId: 'user-1', productId, quantity, addedAt: '2026-11-24T09:00:00.000Z', ttl, schemaVersion: 1,
});
const product = { __edb_e__: 'product', __edb_v__: '1', productId: 'p-new', name: 'P', priceCents: 100, createdAt: 'c', updatedAt: 'u' };
const canceled = (codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });

const put = (productId: string, body: unknown) =>
  handler(httpEvent({ routeKey: 'PUT /me/cart/items/{productId}', pathParameters: { productId }, body }), lambdaContext);
const soon = () => epochSeconds(new Date()) + 600;

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetCommand).resolves({ Item: product });
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(TransactWriteCommand).resolves({});
});

describe('GET /me/cart', () => {
  it('reads the cart with one consistent Query and never shows a line past its TTL', async () => {
    const ttl = soon();
    dynamo.on(QueryCommand).resolves({ Items: [line('a', 2, ttl), line('stale', 1, epochSeconds(new Date()) - 1)] });
    const result = await handler(httpEvent({ routeKey: 'GET /me/cart' }), lambdaContext);
    expect(result.statusCode).toBe(200);
    expect(parseBody(result)).toEqual({
      items: [{ productId: 'a', quantity: 2, addedAt: '2026-11-24T09:00:00.000Z' }],
      expiresAt: new Date(ttl * 1000).toISOString(),
    });
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({ ConsistentRead: true, ExpressionAttributeValues: { ':pk': '$commerce#userId_user-1' } });
  });
});

describe('PUT /me/cart/items/{productId}', () => {
  it('writes the line and the new expiry of every other live line in one transaction', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [line('a', 2, soon()), line('stale', 1, 1_700_000_000)] });
    const before = epochSeconds(new Date());
    const result = await put('p-new', { quantity: 3 });
    expect(result.statusCode).toBe(200);
    const cart = parseBody(result);
    expect(cart.items.map((item: { productId: string; quantity: number }) => [item.productId, item.quantity])).toEqual([['a', 2], ['p-new', 3]]);

    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(2); // the expired line is neither counted nor revived
    const ttl = items[0]!.Put!.Item!.ttl as number;
    expect(ttl).toBeGreaterThanOrEqual(before + WEEK);
    expect(items[0]!.Put!.Item).toMatchObject({ productId: 'p-new', quantity: 3 });
    expect(items[1]!.Update!.Key).toEqual({ pk: '$commerce#userId_user-1', sk: '$cartItem_1#productId_a' });
    expect(items[1]!.Update!.ExpressionAttributeValues).toMatchObject({ ':ttl_u0': ttl });
    expect(items[1]!.Update!.ConditionExpression).toContain('attribute_exists(#pk)');
    expect(cart.expiresAt).toBe(new Date(ttl * 1000).toISOString());
  });

  it('removes the line for quantity 0 without asking the catalog', async () => {
    const result = await put('anything', { quantity: 0 });
    expect(result.statusCode).toBe(200);
    expect(parseBody(result)).toEqual({ items: [], expiresAt: null });
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Delete!.Key).toEqual({
      pk: '$commerce#userId_user-1',
      sk: '$cartItem_1#productId_anything',
    });
  });

  it('answers 404 for a product the catalog does not have, writing nothing', async () => {
    dynamo.on(GetCommand).resolves({});
    const result = await put('ghost', { quantity: 1 });
    expect(result.statusCode).toBe(404);
    expect(parseBody(result).error.code).toBe('NOT_FOUND');
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses a 51st product with 400, but still changes a product already in a full cart', async () => {
    dynamo.on(QueryCommand).resolves({ Items: Array.from({ length: 50 }, (_, i) => line(`p${i}`, 1, soon())) });
    const refused = await put('p-new', { quantity: 1 });
    expect(refused.statusCode).toBe(400);
    expect(parseBody(refused).error.code).toBe('VALIDATION_FAILED');
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect((await put('p0', { quantity: 9 })).statusCode).toBe(200);
    expect(dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems).toHaveLength(50);
  });

  it('plans again from a fresh read when a concurrent change cancels the transaction', async () => {
    dynamo.on(QueryCommand).resolvesOnce({ Items: [line('a', 1, soon()), line('b', 1, soon())] }).resolves({ Items: [line('b', 1, soon())] });
    dynamo.on(TransactWriteCommand).rejectsOnce(canceled(['None', 'ConditionalCheckFailed', 'None'])).resolves({});
    const result = await put('p-new', { quantity: 1 });
    expect(result.statusCode).toBe(200);
    expect(parseBody(result).items.map((item: { productId: string }) => item.productId)).toEqual(['b', 'p-new']);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(2);
    expect(dynamo.commandCalls(TransactWriteCommand)[1]!.args[0].input.TransactItems).toHaveLength(2);
  });

  it('answers 409 when the cart keeps changing under every attempt', async () => {
    dynamo.on(TransactWriteCommand).rejects(canceled(['TransactionConflict']));
    const result = await put('p-new', { quantity: 1 });
    expect(result.statusCode).toBe(409);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('refuses bad input with 400', async () => {
    for (const [productId, body] of [['p', { quantity: 100 }], ['p', { quantity: -1 }], ['p', { quantity: 1.5 }], ['p', {}], ['bad id', { quantity: 1 }], ['p', { quantity: 1, extra: true }]] as const) {
      const result = await put(productId, body);
      expect(result.statusCode).toBe(400);
      expect(parseBody(result).error.code).toBe('VALIDATION_FAILED');
    }
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('DELETE /me/cart/items/{productId}', () => {
  it('removes the line and moves the rest of the cart’s expiry', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [line('a', 1, soon()), line('b', 4, soon())] });
    const result = await handler(httpEvent({ routeKey: 'DELETE /me/cart/items/{productId}', pathParameters: { productId: 'a' } }), lambdaContext);
    expect(result.statusCode).toBe(200);
    expect(parseBody(result).items).toEqual([{ productId: 'b', quantity: 4, addedAt: '2026-11-24T09:00:00.000Z' }]);
    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[0]!.Delete!.Key!.sk).toBe('$cartItem_1#productId_a');
    expect(items[1]!.Update!.Key!.sk).toBe('$cartItem_1#productId_b');
  });
});
