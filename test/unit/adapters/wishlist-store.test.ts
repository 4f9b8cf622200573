import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { wishlistStore } from '../../../lambdas/adapters/wishlist-store.ts';

/** The wishlist store's requests, with the SDK mocked: one Query a page, keys of the writes. */
const dynamo = mockClient(DynamoDBDocumentClient);
const entry = (productId: string) => ({
  __edb_e__: 'wishlistItem', __edb_v__: '1', pk: '$commerce#userId_user-1', sk: `$wishlistItem_1#productId_${productId}`,
  userId: 'user-1', productId, addedAt: 'a', schemaVersion: 1,
});

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutCommand).resolves({});
  dynamo.on(DeleteCommand).resolves({});
});

describe('wishlistStore.wishlistPage', () => {
  it('pages product ids in order with one Query per page, continuing after the last id', async () => {
    dynamo.on(QueryCommand).resolvesOnce({ Items: [entry('a'), entry('b'), entry('c')] }).resolves({ Items: [entry('c')] });
    expect(await wishlistStore.wishlistPage('user-1', { limit: 2 })).toEqual({ productIds: ['a', 'b'], after: 'b' });
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input.Limit).toBe(3);

    expect(await wishlistStore.wishlistPage('user-1', { limit: 2, after: 'b' })).toEqual({ productIds: ['c'], after: null });
    const query = dynamo.commandCalls(QueryCommand)[1]!.args[0].input;
    expect(query.KeyConditionExpression).toContain('#sk1 > :sk1');
    expect(query.ExpressionAttributeValues).toMatchObject({ ':sk1': '$wishlistItem_1#productId_b' });
  });
});

describe('wishlistStore.addToWishlist and removeFromWishlist', () => {
  it('put the entry on the user’s partition and delete it by its key', async () => {
    await wishlistStore.addToWishlist('user-1', 'p1', '2026-11-24T10:00:00.000Z');
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ userId: 'user-1', productId: 'p1' });
    await wishlistStore.removeFromWishlist('user-1', 'p1');
    expect(dynamo.commandCalls(DeleteCommand)[0]!.args[0].input.Key).toEqual({ pk: '$commerce#userId_user-1', sk: '$wishlistItem_1#productId_p1' });
  });
});
