import { DeleteCommand, DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cartStore } from '../../../lambdas/adapters/cart-store.ts';
import { planCartChange } from '../../../lambdas/domain/cart.ts';
import { epochSeconds } from '../../../lambdas/domain/expiry.ts';

/** The cart store's requests, with the SDK mocked: keys, consistency, conditions, and what a cancellation means. */
const dynamo = mockClient(DynamoDBDocumentClient);

const WEEK = 7 * 86_400;
const line = (productId: string, quantity: number, ttl: number) => ({
  __edb_e__: 'cartItem', __edb_v__: '1', pk: '$commerce#userId_user-1', sk: `$cartItem_1#productId_${productId}`,
  userId: 'user-1', productId, quantity, addedAt: '2026-11-24T09:00:00.000Z', ttl, schemaVersion: 1,
});
const canceled = (codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });
const soon = () => epochSeconds(new Date()) + 600;
const lineOf = (productId: string) => ({ productId, quantity: 1, addedAt: '2026-11-24T09:00:00.000Z', ttl: soon() });

beforeEach(() => {
  dynamo.reset();
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(TransactWriteCommand).resolves({});
});

describe('cartStore.liveLines', () => {
  it('reads the cart with one consistent Query and never returns a line past its TTL', async () => {
    const ttl = soon();
    dynamo.on(QueryCommand).resolves({ Items: [line('a', 2, ttl), line('stale', 1, epochSeconds(new Date()) - 1)] });
    expect(await cartStore.liveLines('user-1', new Date())).toEqual([{ productId: 'a', quantity: 2, addedAt: '2026-11-24T09:00:00.000Z', ttl }]);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({ ConsistentRead: true, ExpressionAttributeValues: { ':pk': '$commerce#userId_user-1' } });
  });
});

describe('cartStore.writeChange', () => {
  it('writes the line and the new expiry of every other line in one transaction, each other line only while it exists', async () => {
    const before = epochSeconds(new Date());
    const plan = planCartChange([lineOf('a')], { productId: 'p-new', quantity: 3 }, new Date(), WEEK);
    expect(await cartStore.writeChange('user-1', plan)).toBe('written');
    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(2);
    const ttl = items[0]!.Put!.Item!.ttl as number;
    expect(ttl).toBeGreaterThanOrEqual(before + WEEK);
    expect(items[0]!.Put!.Item).toMatchObject({ productId: 'p-new', quantity: 3 });
    expect(items[1]!.Update!.Key).toEqual({ pk: '$commerce#userId_user-1', sk: '$cartItem_1#productId_a' });
    expect(items[1]!.Update!.ExpressionAttributeValues).toMatchObject({ ':ttl_u0': ttl });
    expect(items[1]!.Update!.ConditionExpression).toContain('attribute_exists(#pk)');
  });

  it('deletes a removed line by its key, and rewrites a full cart of 50 lines in one transaction', async () => {
    await cartStore.writeChange('user-1', planCartChange([], { productId: 'anything', quantity: 0 }, new Date(), WEEK));
    expect(dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Delete!.Key).toEqual({
      pk: '$commerce#userId_user-1',
      sk: '$cartItem_1#productId_anything',
    });
    const full = Array.from({ length: 50 }, (_, i) => lineOf(`p${i}`));
    await cartStore.writeChange('user-1', planCartChange(full, { productId: 'p0', quantity: 9 }, new Date(), WEEK));
    expect(dynamo.commandCalls(TransactWriteCommand)[1]!.args[0].input.TransactItems).toHaveLength(50);
  });

  it("answers 'contended' when a condition failed or another transaction held an item, and throws otherwise", async () => {
    const plan = planCartChange([lineOf('a'), lineOf('b')], { productId: 'p-new', quantity: 1 }, new Date(), WEEK);
    dynamo.on(TransactWriteCommand).rejectsOnce(canceled(['None', 'ConditionalCheckFailed', 'None'])).rejectsOnce(canceled(['TransactionConflict']));
    expect(await cartStore.writeChange('user-1', plan)).toBe('contended');
    expect(await cartStore.writeChange('user-1', plan)).toBe('contended');
    dynamo.on(TransactWriteCommand).rejects(canceled(['ValidationError']));
    await expect(cartStore.writeChange('user-1', plan)).rejects.toThrow(/canceled/);
  });
});

describe('cartStore.removeOrderedLines', () => {
  it('removes each ordered line only while it is unchanged; a line changed since the order stays', async () => {
    const cartLines = [
      { productId: 'p1', quantity: 1, addedAt: '2026-11-24T09:00:00.000Z' },
      { productId: 'p2', quantity: 3, addedAt: '2026-11-24T09:01:00.000Z' },
    ];
    dynamo.on(DeleteCommand).resolves({});
    dynamo
      .on(DeleteCommand, { Key: { pk: '$commerce#userId_u1', sk: '$cartItem_1#productId_p2' } })
      .rejects(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }));
    await cartStore.removeOrderedLines('u1', cartLines);
    const deletes = dynamo.commandCalls(DeleteCommand).map((call) => call.args[0].input);
    expect(deletes.map((input) => input.Key!.sk)).toEqual(['$cartItem_1#productId_p1', '$cartItem_1#productId_p2']);
    expect(deletes[0]!.ConditionExpression).toBe('#quantity = :quantity0 AND #addedAt = :addedAt0');
    expect(deletes[0]!.ExpressionAttributeValues).toEqual({ ':quantity0': 1, ':addedAt0': '2026-11-24T09:00:00.000Z' });
  });
});
