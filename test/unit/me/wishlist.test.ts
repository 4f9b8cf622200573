import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cursorBefore } from '../../../lambdas/domain/pagination.ts';
import { apiHandler } from '../../../lambdas/http/api-handler.ts';
import { deleteWishlistItem, getWishlist, putWishlistItem } from '../../../lambdas/me/wishlist.ts';
import { httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const handler = apiHandler({
  'GET /me/wishlist': getWishlist,
  'PUT /me/wishlist/{productId}': putWishlistItem,
  'DELETE /me/wishlist/{productId}': deleteWishlistItem,
});
const entry = (productId: string) => ({
  __edb_e__: 'wishlistItem', __edb_v__: '1', pk: '$commerce#userId_user-1', sk: `$wishlistItem_1#productId_${productId}`,
  userId: 'user-1', productId, addedAt: 'a', schemaVersion: 1,
});
const list = (query?: Record<string, string>) => handler(httpEvent({ routeKey: 'GET /me/wishlist', ...(query ? { query } : {}) }), lambdaContext);

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutCommand).resolves({});
  dynamo.on(DeleteCommand).resolves({});
});

describe('GET /me/wishlist', () => {
  it('pages product ids in order with one Query per page, continuing after the last id', async () => {
    dynamo.on(QueryCommand).resolvesOnce({ Items: [entry('a'), entry('b'), entry('c')] }).resolves({ Items: [entry('c')] });
    const first = await list({ limit: '2' });
    expect(first.statusCode).toBe(200);
    const page = parseBody(first);
    expect(page.items).toEqual(['a', 'b']);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input.Limit).toBe(3);

    const second = parseBody(await list({ limit: '2', cursor: page.nextCursor }));
    expect(second).toEqual({ items: ['c'], nextCursor: null });
    const query = dynamo.commandCalls(QueryCommand)[1]!.args[0].input;
    expect(query.KeyConditionExpression).toContain('#sk1 > :sk1');
    expect(query.ExpressionAttributeValues).toMatchObject({ ':sk1': '$wishlistItem_1#productId_b' });
  });

  it('refuses a cursor that is garbage or belongs to another listing', async () => {
    for (const cursor of ['garbage', cursorBefore('01ORDER')!]) {
      const result = await list({ cursor });
      expect(result.statusCode).toBe(400);
      expect(parseBody(result).error.details[0].path).toBe('cursor');
    }
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

describe('PUT and DELETE /me/wishlist/{productId}', () => {
  const call = (method: 'PUT' | 'DELETE', productId: string) =>
    handler(httpEvent({ routeKey: `${method} /me/wishlist/{productId}`, pathParameters: { productId } }), lambdaContext);

  it('adds a catalog product and removes it, idempotently', async () => {
    dynamo.on(GetCommand).resolves({ Item: { __edb_e__: 'product', __edb_v__: '1', productId: 'p1', name: 'P', priceCents: 1, createdAt: 'c', updatedAt: 'u' } });
    const added = await call('PUT', 'p1');
    expect(added.statusCode).toBe(200);
    expect(parseBody(added)).toEqual({ productId: 'p1', onWishlist: true });
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ userId: 'user-1', productId: 'p1' });

    const removed = await call('DELETE', 'p1');
    expect(parseBody(removed)).toEqual({ productId: 'p1', onWishlist: false });
    expect(dynamo.commandCalls(DeleteCommand)[0]!.args[0].input.Key).toEqual({ pk: '$commerce#userId_user-1', sk: '$wishlistItem_1#productId_p1' });
  });

  it('answers 404 for a product the catalog does not have', async () => {
    dynamo.on(GetCommand).resolves({});
    const result = await call('PUT', 'ghost');
    expect(result.statusCode).toBe(404);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });
});
