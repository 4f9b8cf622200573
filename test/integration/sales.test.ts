import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, idle } from './client.ts';
import { customer, placeOrder, stockedProduct } from './fixtures.ts';
import { commands, inProcess } from './in-process.ts';

/**
 * Product sales and the top-products board (AP17), projected from confirmed orders by the order
 * projector: each confirmed order counts once — also when its stream records are delivered again —
 * and rejected orders never count.
 */
describe('product sales and top products', () => {
  let harness: Awaited<ReturnType<typeof inProcess>>;
  let dynamodb: DynamoDBClient;
  let bestseller: string;
  let sideline: string;
  let confirmedOrderId: string;

  const salesOf = async (productId: string) => {
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: harness.sandbox.tableName, Key: { pk: { S: `$commerce#productId_${productId}` }, sk: { S: '$productSales_1' } }, ConsistentRead: true }),
    );
    return { unitsSold: Number(Item?.unitsSold?.N ?? 0), revenueCents: Number(Item?.revenueCents?.N ?? 0) };
  };

  beforeAll(async () => {
    harness = await inProcess();
    dynamodb = new DynamoDBClient({ endpoint: harness.sandbox.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    // Enough units that the product ranks among the best sellers of the whole shared sandbox.
    bestseller = await stockedProduct(250, { w1: 150, w2: 150 });
    sideline = await stockedProduct(1000, { w1: 5 });
    const { token } = await customer();
    const first = await placeOrder(token, [{ productId: bestseller, quantity: 99 }, { productId: sideline, quantity: 1 }]);
    const second = await placeOrder(token, [{ productId: bestseller, quantity: 99 }]);
    const declined = await placeOrder(token, [{ productId: bestseller, quantity: 50 }], 'tok_decline');
    await idle();
    confirmedOrderId = first.body.orderId;
    const statuses = await Promise.all([first, second, declined].map(async ({ body }) => (await call('GET', `/orders/${body.orderId}`, { token })).body.status));
    expect(statuses).toEqual(['CONFIRMED', 'CONFIRMED', 'REJECTED']);
  });

  it('adds the units and revenue of confirmed orders only', async () => {
    expect(await salesOf(bestseller)).toEqual({ unitsSold: 198, revenueCents: 198 * 250 });
    expect(await salesOf(sideline)).toEqual({ unitsSold: 1, revenueCents: 1000 });
  });

  it('AP17 top products: one GetItem, best sellers first', async () => {
    const { getTopProducts } = await import('../../lambdas/adapters/sales-store.ts');
    const { result, requests } = await harness.count(() => getTopProducts());
    expect(commands(requests)).toEqual(['GetItemCommand']);
    // The board is rewritten when its ranking changes, not on every sale: its units are those of
    // its last rewrite — at least the first order's 99, never more than the 198 sold.
    const entry = result.find((candidate) => candidate.productId === bestseller);
    expect(entry!.unitsSold).toBeGreaterThanOrEqual(99);
    expect(entry!.unitsSold).toBeLessThanOrEqual(198);
    expect(result.length).toBeLessThanOrEqual(20);
    expect(result.map((entry) => entry.unitsSold)).toEqual([...result.map((entry) => entry.unitsSold)].sort((a, b) => b - a));
  });

  it('replaying the stream records of a confirmed order changes neither sales nor the board', async () => {
    const { getTopProducts } = await import('../../lambdas/adapters/sales-store.ts');
    const before = await Promise.all([salesOf(bestseller), salesOf(sideline), getTopProducts()]);

    const key = { pk: { S: `$commerce#orderId_${confirmedOrderId}` }, sk: { S: '$order_1' } };
    const confirmed = (await dynamodb.send(new GetItemCommand({ TableName: harness.sandbox.tableName, Key: key }))).Item!;
    const pending = { ...confirmed, status: { S: 'PENDING' } };
    const batch = {
      Records: [{ eventID: 'b', eventName: 'MODIFY', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1', dynamodb: { Keys: key, NewImage: confirmed, OldImage: pending, SequenceNumber: '2', StreamViewType: 'NEW_AND_OLD_IMAGES' } }],
    } as unknown as DynamoDBStreamEvent;
    const { handler } = await import('../../lambdas/projections/project-orders.ts');
    const context = { functionName: 'replay', awsRequestId: 'r' } as Context;
    expect((await handler(batch, context)).batchItemFailures).toEqual([]);
    expect((await handler(batch, context)).batchItemFailures).toEqual([]);

    const after = await Promise.all([salesOf(bestseller), salesOf(sideline), getTopProducts()]);
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    // Other tests' orders may move the board meanwhile; this product's entry must not.
    const entryOf = (board: typeof before[2]) => board.find((entry) => entry.productId === bestseller);
    expect(entryOf(after[2])).toEqual(entryOf(before[2]));
    expect(entryOf(after[2])).toBeDefined();
  });
});
