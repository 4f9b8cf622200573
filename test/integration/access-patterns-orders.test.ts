import { beforeAll, describe, expect, it } from 'vitest';
import { call, idle } from './client.ts';
import { customer, placeOrder, stockedProduct, today } from './fixtures.ts';
import { commands, inProcess } from './in-process.ts';

/**
 * The order slice's access patterns (docs/access-patterns.md), each run through the real adapter
 * against DynamoDB Local with its requests counted: one request, or one per shard; never a Scan.
 */
describe('access patterns of the order path', () => {
  let harness: Awaited<ReturnType<typeof inProcess>>;
  let productId: string;
  let userId: string;
  let orderId: string;
  const SHARDS = 8;

  beforeAll(async () => {
    harness = await inProcess({ ORDER_SHARD_COUNT: String(SHARDS) });
    productId = await stockedProduct(990, { w1: 3, w2: 4 });
    const buyer = await customer();
    userId = buyer.userId;
    orderId = (await placeOrder(buyer.token, [{ productId, quantity: 1 }])).body.orderId;
    await idle();
    expect((await call('GET', `/orders/${orderId}`, { token: buyer.token })).body.status).toBe('CONFIRMED');
  });

  it('AP3 get product: one GetItem', async () => {
    const { getProduct } = await import('../../lambdas/adapters/catalog-store.ts');
    const { result, requests } = await harness.count(() => getProduct(productId));
    expect(result?.priceCents).toBe(990);
    expect(commands(requests)).toEqual(['GetItemCommand']);
  });

  it('AP6 inventory across warehouses: one Query', async () => {
    const { getStock } = await import('../../lambdas/adapters/catalog-store.ts');
    const { result, requests } = await harness.count(() => getStock(productId));
    expect(result.reduce((sum, w) => sum + w.available, 0)).toBe(6);
    expect(commands(requests)).toEqual(['QueryCommand']);
  });

  it('AP9 order with lines: one GetItem', async () => {
    const { getOrder } = await import('../../lambdas/adapters/order-reads.ts');
    const { result, requests } = await harness.count(() => getOrder(orderId));
    expect(result?.items).toEqual([{ productId, quantity: 1, unitPriceCents: 990 }]);
    expect(commands(requests)).toEqual(['GetItemCommand']);
  });

  it('AP10 order events in order: one Query', async () => {
    const { getOrderEvents } = await import('../../lambdas/adapters/order-reads.ts');
    const { result, requests } = await harness.count(() => getOrderEvents(orderId));
    expect(result.map((event) => event.seq)).toEqual([1, 2]);
    expect(commands(requests)).toEqual(['QueryCommand']);
  });

  it("AP11 a user's orders newest first: one Query", async () => {
    const { listUserOrders } = await import('../../lambdas/adapters/user-orders.ts');
    const { result, requests } = await harness.count(() => listUserOrders(userId, { limit: 20 }));
    expect(result.items.map((order) => order.orderId)).toEqual([orderId]);
    expect(commands(requests)).toEqual(['QueryCommand']);
  });

  it("AP12 a day's orders: one Query per shard, on the GSI, in parallel", async () => {
    const { listOrdersOfDay } = await import('../../lambdas/adapters/orders-by-day.ts');
    const all = await harness.count(() => listOrdersOfDay(today(), { limit: 100 }));
    expect(all.result.items.map((order) => order.orderId)).toContain(orderId);
    expect(commands(all.requests)).toEqual(Array(SHARDS).fill('QueryCommand'));
    expect(new Set(all.requests.map((r) => r.input.IndexName))).toEqual(new Set(['gsi1']));

    const confirmed = await harness.count(() => listOrdersOfDay(today(), { status: 'CONFIRMED', limit: 100 }));
    expect(confirmed.result.items.every((order) => order.status === 'CONFIRMED')).toBe(true);
    expect(commands(confirmed.requests)).toEqual(Array(SHARDS).fill('QueryCommand'));
    expect(new Set(confirmed.requests.map((r) => r.input.IndexName))).toEqual(new Set(['gsi2']));
  });

  it('AP16 user, stats and recent orders: one Query', async () => {
    const { getAccount } = await import('../../lambdas/adapters/user-store.ts');
    const { result, requests } = await harness.count(() => getAccount(userId));
    expect(result.user?.userId).toBe(userId);
    expect(result.stats?.recentOrders?.map((order) => order.orderId)).toEqual([orderId]);
    expect(commands(requests)).toEqual(['QueryCommand']);
  });
});
