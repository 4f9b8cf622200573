import { beforeAll, describe, expect, it } from 'vitest';
import { idle, unique } from './client.ts';
import { customer, stockedProduct } from './fixtures.ts';
import { commands, inProcess } from './in-process.ts';

/**
 * The placement adapter against DynamoDB Local: what it writes, and how it answers a key used
 * before. The orders it records go on through the sandbox's relay and settlement like any other.
 */
describe('order store: recording a placed order', () => {
  let harness: Awaited<ReturnType<typeof inProcess>>;
  let productId: string;
  let userId: string;

  beforeAll(async () => {
    harness = await inProcess();
    productId = await stockedProduct(500, { w1: 10 });
    userId = (await customer()).userId;
  });

  const newOrder = async () => {
    const { newOrderId } = await import('../../lambdas/domain/order-ids.ts');
    const { orderId, createdAt } = newOrderId();
    return { orderId, userId, items: [{ productId, quantity: 1 }], paymentToken: 'tok_ok', createdAt };
  };

  it('writes the PENDING order with its token, its OrderPlaced event and the idempotency record in one transaction', async () => {
    const { recordPlacedOrder, getIdempotencyRecord } = await import('../../lambdas/adapters/order-store.ts');
    const order = await newOrder();
    const key = unique('key');
    const { result, requests } = await harness.count(() => recordPlacedOrder(order, { key, requestHash: 'hash-1' }));
    expect(result).toEqual({ outcome: 'recorded' });
    expect(commands(requests)).toEqual(['TransactWriteItemsCommand']);

    const items = (requests[0]!.input['TransactItems'] as Array<{ Put: { Item: Record<string, unknown>; ConditionExpression?: string; ReturnValuesOnConditionCheckFailure?: string } }>).map(
      (item) => item.Put,
    );
    expect(items.map((put) => put.Item['__edb_e__'])).toEqual(['idempotency', 'order', 'orderEvent']);
    expect(items.every((put) => put.ConditionExpression?.includes('attribute_not_exists'))).toBe(true);
    expect(items[0]!.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(items[1]!.Item).toMatchObject({ orderId: order.orderId, status: 'PENDING', userId, paymentToken: 'tok_ok', createdAt: order.createdAt });
    // In the sparse pending index the backstop reads.
    expect(items[1]!.Item['gsi3pk']).toBeDefined();
    expect(await getIdempotencyRecord(userId, key)).toMatchObject({ orderId: order.orderId, requestHash: 'hash-1' });
  });

  it('answers a used key with its record from the cancelled transaction alone, writing nothing', async () => {
    const { recordPlacedOrder } = await import('../../lambdas/adapters/order-store.ts');
    const { getOrder } = await import('../../lambdas/adapters/order-reads.ts');
    const first = await newOrder();
    const key = unique('key');
    await recordPlacedOrder(first, { key, requestHash: 'hash-1' });
    const second = await newOrder();
    const { result, requests } = await harness.count(() => recordPlacedOrder(second, { key, requestHash: 'hash-2' }));
    expect(result).toEqual({ outcome: 'key-used', record: expect.objectContaining({ orderId: first.orderId, requestHash: 'hash-1' }) });
    expect(commands(requests)).toEqual(['TransactWriteItemsCommand']);
    expect(await getOrder(second.orderId, { consistent: true })).toBeUndefined();
    await idle();
  });
});
