import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import type { OrderedCartLine } from '../../../lambdas/domain/cart.ts';
import { newOrderId } from '../../../lambdas/domain/order-ids.ts';
import { placeOrder, type PlacementRequest } from '../../../lambdas/orders/place-order.ts';
import type { IdempotencyRecord, NewOrder, PlacementPorts } from '../../../lambdas/ports/orders.ts';

/**
 * The order book in memory, with the guard of the real transaction: a key records once; a second
 * record under it writes nothing and answers what the first one recorded.
 */
function fakeOrderBook(cart: OrderedCartLine[] = []) {
  const orders: NewOrder[] = [];
  const keys = new Map<string, IdempotencyRecord>();
  const reads: string[] = [];
  let keyInProgress = false;
  const ports: PlacementPorts = {
    cartLines: async () => structuredClone(cart),
    idempotencyRecord: async (userId, key) => {
      reads.push(key);
      return keys.get(`${userId}/${key}`);
    },
    record: async (order, idempotency) => {
      if (keyInProgress) return { outcome: 'key-in-progress' };
      const earlier = keys.get(`${order.userId}/${idempotency.key}`);
      if (earlier) return { outcome: 'key-used', record: earlier };
      keys.set(`${order.userId}/${idempotency.key}`, { orderId: order.orderId, requestHash: idempotency.requestHash });
      orders.push(order);
      return { outcome: 'recorded' };
    },
    newOrderId: () => newOrderId(),
  };
  return { ports, orders, reads, emptyCart: () => void cart.splice(0), holdKey: () => void (keyInProgress = true) };
}

const request = (overrides: Partial<PlacementRequest> = {}): PlacementRequest => ({
  userId: 'user-1',
  key: 'key-12345678',
  requestHash: 'hash-1',
  items: [{ productId: 'p1', quantity: 2 }],
  paymentToken: 'tok_ok',
  ...overrides,
});

describe('placing an order', () => {
  it('records one PENDING order with everything settlement needs, and accepts it', async () => {
    const book = fakeOrderBook();
    const result = await placeOrder(request({ promotionCode: 'SAVE10' }), book.ports);
    expect(result).toEqual({ outcome: 'accepted', orderId: book.orders[0]!.orderId, replayed: false });
    expect(book.orders).toHaveLength(1);
    expect(book.orders[0]).toMatchObject({ userId: 'user-1', items: [{ productId: 'p1', quantity: 2 }], promotionCode: 'SAVE10', paymentToken: 'tok_ok' });
    expect(book.reads).toEqual([]);
  });

  it('gives ids whose order is the order of their createdAt, also within one millisecond, and createdAt is the instant the id encodes', async () => {
    const book = fakeOrderBook();
    for (let i = 0; i < 20; i++) await placeOrder(request({ key: `key-order-${String(i).padStart(4, '0')}` }), book.ports);
    const ids = book.orders.map((order) => order.orderId);
    const created = book.orders.map((order) => order.createdAt);
    expect([...ids].sort()).toEqual(ids);
    expect([...created].sort()).toEqual(created);
    for (const order of book.orders) expect(order.createdAt).toBe(new Date(decodeTime(order.orderId)).toISOString());
  });

  it('replays the same key and body with the first order, writing nothing more', async () => {
    const book = fakeOrderBook();
    const first = await placeOrder(request(), book.ports);
    const again = await placeOrder(request(), book.ports);
    expect(again).toEqual({ outcome: 'accepted', orderId: (first as { orderId: string }).orderId, replayed: true });
    expect(book.orders).toHaveLength(1);
    // The record came back with the refused write: no read before it.
    expect(book.reads).toEqual([]);
  });

  it('refuses the same key with another body', async () => {
    const book = fakeOrderBook();
    await placeOrder(request(), book.ports);
    expect(await placeOrder(request({ requestHash: 'hash-2' }), book.ports)).toEqual({ outcome: 'key-reused' });
    expect(book.orders).toHaveLength(1);
  });

  it('says so when a concurrent request holds the same key', async () => {
    const book = fakeOrderBook();
    book.holdKey();
    expect(await placeOrder(request(), book.ports)).toEqual({ outcome: 'key-in-progress' });
  });

  describe('from the cart', () => {
    const cart: OrderedCartLine[] = [
      { productId: 'a', quantity: 1, addedAt: '2026-11-24T00:00:01.000Z' },
      { productId: 'b', quantity: 2, addedAt: '2026-11-24T00:00:02.000Z' },
    ];
    const fromCart = (overrides: Partial<PlacementRequest> = {}) => {
      const { items: _items, ...rest } = request({ promotionCode: 'SAVE10', ...overrides });
      return { ...rest, fromCart: true };
    };

    it('orders the cart lines, recording fromCart and the lines to remove once CONFIRMED', async () => {
      const book = fakeOrderBook(cart);
      expect((await placeOrder(fromCart(), book.ports)).outcome).toBe('accepted');
      expect(book.orders[0]).toMatchObject({
        items: [{ productId: 'a', quantity: 1 }, { productId: 'b', quantity: 2 }],
        fromCart: true,
        promotionCode: 'SAVE10',
        cartLines: cart,
      });
    });

    it('refuses an empty cart, writing nothing', async () => {
      const book = fakeOrderBook([]);
      expect(await placeOrder(fromCart(), book.ports)).toEqual({ outcome: 'cart-empty' });
      expect(book.orders).toHaveLength(0);
    });

    it('replays by its key once the cart is empty: the one case that reads the idempotency record', async () => {
      const book = fakeOrderBook(structuredClone(cart));
      const first = await placeOrder(fromCart(), book.ports);
      book.emptyCart();
      const again = await placeOrder(fromCart(), book.ports);
      expect(again).toEqual({ outcome: 'accepted', orderId: (first as { orderId: string }).orderId, replayed: true });
      expect(book.reads).toEqual(['key-12345678']);
      expect(book.orders).toHaveLength(1);
    });
  });
});
