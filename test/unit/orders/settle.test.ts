import { describe, expect, it } from 'vitest';
import { simulatedProvider } from '../../../lambdas/adapters/payment-provider.ts';
import type { CommitResult } from '../../../lambdas/ports/orders.ts';
import type { StockBucket } from '../../../lambdas/domain/order-rules.ts';
import type { Product } from '../../../lambdas/domain/catalog.ts';
import type { Order } from '../../../lambdas/domain/order-rules.ts';
import type { Promotion } from '../../../lambdas/domain/promotions.ts';
import { OrderNotFoundError, settleOrder } from '../../../lambdas/orders/settle.ts';
import { StockSnapshots } from '../../../lambdas/domain/stock-snapshots.ts';
import type { SettlementPorts } from '../../../lambdas/ports/orders.ts';

interface FakePromotion {
  percentOff?: number;
  amountOffCents?: number;
  validUntil?: string;
  maxRedemptions?: number;
  redemptions: number;
}

/**
 * An in-memory store with the same guards as the DynamoDB transaction: the order must be PENDING,
 * the promotion must exist, be under its cap and unexpired, and every stock decrement must find
 * enough units, or nothing is written. Cart lines are removed only while unchanged.
 */
function fakeStore(initial: {
  order: Order;
  prices: Record<string, number>;
  stock: Record<string, StockBucket[]>;
  promotion?: FakePromotion;
  cart?: Record<string, { quantity: number; addedAt: string }>;
}) {
  const state = {
    order: { ...initial.order },
    stock: structuredClone(initial.stock),
    promotion: initial.promotion ? { ...initial.promotion } : undefined,
    cart: new Map(Object.entries(structuredClone(initial.cart ?? {}))),
    voided: [] as string[],
    authorized: [] as number[],
    commits: 0,
    reserved: [] as unknown[],
    orderReads: 0,
  };
  const raceOnce = { stealUnits: 0, takeLastRedemption: false, failCartRemoval: false };
  const ports: SettlementPorts = {
    getOrder: async () => {
      state.orderReads++;
      return { ...state.order };
    },
    products: async (ids) =>
      new Map(ids.filter((id) => id in initial.prices).map((id) => [id, { productId: id, priceCents: initial.prices[id] } as Product])),
    stock: async (id) => structuredClone(state.stock[id] ?? []),
    promotion: async (code) => (state.promotion ? ({ code, ...state.promotion } as Promotion) : undefined),
    commitConfirmation: async ({ allocations, lines, totals, promotionCode, events, now }): Promise<CommitResult> => {
      if (raceOnce.stealUnits > 0) {
        // Another settlement takes units between our read and our write.
        for (const w of Object.values(state.stock).flat()) w.available = Math.max(0, w.available - raceOnce.stealUnits);
        raceOnce.stealUnits = 0;
      }
      if (raceOnce.takeLastRedemption && state.promotion?.maxRedemptions !== undefined) {
        state.promotion.redemptions = state.promotion.maxRedemptions;
        raceOnce.takeLastRedemption = false;
      }
      if (state.order.status !== 'PENDING') return 'already-settled';
      const promotion = state.promotion;
      if (promotionCode !== undefined) {
        const redeemable =
          promotion !== undefined &&
          (promotion.maxRedemptions === undefined || promotion.redemptions < promotion.maxRedemptions) &&
          (promotion.validUntil === undefined || promotion.validUntil > now);
        if (!redeemable) return 'promotion-unavailable';
      }
      const item = (a: (typeof allocations)[number]) => state.stock[a.productId]!.find((w) => w.warehouseId === a.warehouseId && w.bucket === a.bucket);
      const enough = allocations.every((a) => (item(a)?.available ?? 0) >= a.quantity);
      if (!enough) return 'stock-changed';
      for (const a of allocations) item(a)!.available -= a.quantity;
      state.reserved.push((events.find((event) => event.type === 'OrderConfirmed')?.data as { allocations?: unknown } | undefined)?.allocations);
      if (promotionCode !== undefined) promotion!.redemptions++;
      state.order = { ...state.order, status: 'CONFIRMED', items: lines, ...totals, eventSeq: events.at(-1)!.seq };
      state.commits++;
      return 'committed';
    },
    commitRejection: async ({ reason, events }): Promise<CommitResult> => {
      if (state.order.status !== 'PENDING') return 'already-settled';
      state.order = { ...state.order, status: 'REJECTED', rejectionReason: reason, eventSeq: events.at(-1)!.seq };
      state.commits++;
      return 'committed';
    },
    removeOrderedLines: async (_userId, lines) => {
      if (raceOnce.failCartRemoval) {
        raceOnce.failCartRemoval = false;
        throw new Error('table unavailable');
      }
      for (const line of lines) {
        const current = state.cart.get(line.productId);
        if (current?.quantity === line.quantity && current.addedAt === line.addedAt) state.cart.delete(line.productId);
      }
    },
    payments: {
      ...simulatedProvider,
      authorize: async (request) => {
        state.authorized.push(request.amountCents);
        return simulatedProvider.authorize(request);
      },
      void: async (reference) => void state.voided.push(reference),
    },
    now: () => '2026-11-24T00:00:00.000Z',
    wait: async () => {},
  };
  return { ports, state, raceOnce };
}

const pendingOrder = (items: Array<{ productId: string; quantity: number }>, extra: Partial<Order> = {}): Order => ({
  orderId: '01ORDER',
  userId: 'u1',
  status: 'PENDING',
  items,
  eventSeq: 1,
  createdAt: '2026-11-24T00:00:00.000Z',
  updatedAt: '2026-11-24T00:00:00.000Z',
  ...extra,
});

describe('settleOrder', () => {
  it('confirms at catalog prices and takes the stock', async () => {
    const { ports, state } = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 2 }]), prices: { p: 500 }, stock: { p: [{ warehouseId: 'w', available: 3 }] } });
    await expect(settleOrder({ orderId: '01ORDER', paymentToken: 'tok_ok' }, ports)).resolves.toBe('confirmed');
    expect(state.order).toMatchObject({ status: 'CONFIRMED', totalCents: 1000, eventSeq: 2 });
    expect(state.stock.p![0]!.available).toBe(1);
  });

  it('settles nothing twice: a redelivered message finds the order final', async () => {
    const { ports, state } = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 1 }]), prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 5 }] } });
    await settleOrder({ orderId: '01ORDER', paymentToken: 't' }, ports);
    await expect(settleOrder({ orderId: '01ORDER', paymentToken: 't' }, ports)).resolves.toBe('already-settled');
    expect(state.commits).toBe(1);
    expect(state.stock.p![0]!.available).toBe(4);
  });

  it('takes a line from several buckets when none covers it, and reserves the units per warehouse', async () => {
    const stock = { p: [0, 1, 2].map((bucket) => ({ warehouseId: 'w', bucket, available: 1 })) };
    const { ports, state } = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 3 }]), prices: { p: 10 }, stock });
    expect(await settleOrder({ orderId: '01ORDER', paymentToken: 'tok_ok' }, ports)).toBe('confirmed');
    expect(state.stock.p!.map((bucket) => bucket.available)).toEqual([0, 0, 0]);
    expect(state.reserved).toEqual([[{ productId: 'p', warehouseId: 'w', quantity: 3 }]]);
  });

  it('rejects PAYMENT_DECLINED for tok_decline and leaves the stock untouched', async () => {
    const { ports, state } = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 1 }]), prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 5 }] } });
    await expect(settleOrder({ orderId: '01ORDER', paymentToken: 'tok_decline' }, ports)).resolves.toBe('rejected');
    expect(state.order).toMatchObject({ status: 'REJECTED', rejectionReason: 'PAYMENT_DECLINED' });
    expect(state.stock.p![0]!.available).toBe(5);
  });

  it('tells the metrics port each outcome once, with the rejection reason, and nothing for a redelivery', async () => {
    const told: unknown[] = [];
    const confirmed = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 1 }]), prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 5 }] } });
    const declined = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 1 }]), prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 5 }] } });
    for (const [fake, token] of [[confirmed, 'tok_ok'], [confirmed, 'tok_ok'], [declined, 'tok_decline']] as const) {
      await settleOrder({ orderId: '01ORDER', paymentToken: token }, { ...fake.ports, settled: (outcome) => told.push(outcome) });
    }
    expect(told).toEqual([{ result: 'confirmed' }, { result: 'rejected', reason: 'PAYMENT_DECLINED' }]);
  });

  it('uses the payment token recorded with the order, not one from the message', async () => {
    const { ports, state } = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 1 }], { paymentToken: 'tok_decline' }), prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 5 }] } });
    await settleOrder({ orderId: '01ORDER' }, ports);
    expect(state.order).toMatchObject({ status: 'REJECTED', rejectionReason: 'PAYMENT_DECLINED' });
  });

  it('rejects OUT_OF_STOCK and UNKNOWN_PRODUCT before touching the payment', async () => {
    const short = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 9 }]), prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 5 }] } });
    await settleOrder({ orderId: '01ORDER', paymentToken: 't' }, short.ports);
    expect(short.state.order.rejectionReason).toBe('OUT_OF_STOCK');

    const unknown = fakeStore({ order: pendingOrder([{ productId: 'ghost', quantity: 1 }]), prices: {}, stock: {} });
    await settleOrder({ orderId: '01ORDER', paymentToken: 't' }, unknown.ports);
    expect(unknown.state.order.rejectionReason).toBe('UNKNOWN_PRODUCT');
  });

  it('re-plans after losing the stock to a concurrent order, voids the hold, and rejects when nothing is left', async () => {
    const { ports, state, raceOnce } = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 2 }]), prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 2 }] } });
    raceOnce.stealUnits = 2;
    await expect(settleOrder({ orderId: '01ORDER', paymentToken: 't' }, ports)).resolves.toBe('rejected');
    expect(state.order.rejectionReason).toBe('OUT_OF_STOCK');
    expect(state.voided).toEqual(['sim_01ORDER']);
    expect(state.stock.p![0]!.available).toBe(0);
  });

  it('fails loudly for an order that does not exist', async () => {
    const { ports } = fakeStore({ order: pendingOrder([]), prices: {}, stock: {} });
    await expect(settleOrder({ orderId: 'nope', paymentToken: 't' }, { ...ports, getOrder: async () => undefined })).rejects.toBeInstanceOf(OrderNotFoundError);
  });
});

describe('settleOrder with the relay\'s copy of the PENDING order', () => {
  const order = pendingOrder([{ productId: 'p', quantity: 2 }], { paymentToken: 'tok_ok', eventSeq: 1 });
  const copyOf = ({ userId, items, paymentToken, eventSeq, createdAt, promotionCode, cartLines }: Order) => ({
    userId,
    items: items.map(({ productId, quantity }) => ({ productId, quantity })),
    paymentToken: paymentToken!,
    eventSeq,
    createdAt,
    ...(promotionCode ? { promotionCode } : {}),
    ...(cartLines ? { cartLines } : {}),
  });
  const withCopy = (of: Order) => ({ orderId: of.orderId, order: copyOf(of) });

  it('settles from the copy without reading the order', async () => {
    const { ports, state } = fakeStore({ order, prices: { p: 500 }, stock: { p: [{ warehouseId: 'w', available: 3 }] } });
    await expect(settleOrder(withCopy(order), ports)).resolves.toBe('confirmed');
    expect(state.orderReads).toBe(0);
    expect(state.order).toMatchObject({ status: 'CONFIRMED', totalCents: 1000, eventSeq: 2 });
    expect(state.stock.p![0]!.available).toBe(1);
  });

  it('settles nothing twice: a copy of an order already confirmed finds it final, charges no second time and voids nothing', async () => {
    const { ports, state } = fakeStore({ order, prices: { p: 500 }, stock: { p: [{ warehouseId: 'w', available: 3 }] } });
    await settleOrder(withCopy(order), ports);
    await expect(settleOrder(withCopy(order), ports)).resolves.toBe('already-settled');
    expect(state.commits).toBe(1);
    expect(state.stock.p![0]!.available).toBe(1);
    expect(state.voided).toEqual([]);
    expect(new Set(state.authorized)).toEqual(new Set([1000])); // the provider's answer per order is idempotent
  });

  it('never voids the payment of a confirmed order, even when the transaction blames the stock rather than the order', async () => {
    const { ports, state } = fakeStore({ order, prices: { p: 500 }, stock: { p: [{ warehouseId: 'w', available: 5 }] } });
    await settleOrder(withCopy(order), ports);
    // The redelivery plans from the 3 units left; its transaction, cancelled for the order, names the stock.
    const blamesStock: SettlementPorts = { ...ports, commitConfirmation: async () => 'stock-changed' };
    await expect(settleOrder(withCopy(order), blamesStock)).resolves.toBe('already-settled');
    expect(state.authorized).toHaveLength(2);
    expect(state.voided).toEqual([]);
    expect(state.order.status).toBe('CONFIRMED');
  });

  it('never voids the payment of a confirmed order when the transaction blames the promotion', async () => {
    const coded = pendingOrder([{ productId: 'p', quantity: 1 }], { paymentToken: 'tok_ok', promotionCode: 'SAVE' });
    const { ports, state } = fakeStore({ order: coded, prices: { p: 500 }, stock: { p: [{ warehouseId: 'w', available: 3 }] }, promotion: { percentOff: 10, redemptions: 0 } });
    await settleOrder(withCopy(coded), ports);
    const blamesPromotion: SettlementPorts = { ...ports, commitConfirmation: async () => 'promotion-unavailable' };
    await expect(settleOrder(withCopy(coded), blamesPromotion)).resolves.toBe('already-settled');
    expect(state.voided).toEqual([]);
    expect(state.order).toMatchObject({ status: 'CONFIRMED', totalCents: 450 });
  });

  it('still voids the hold of a PENDING order that lost its stock, and re-plans from one read', async () => {
    const { ports, state, raceOnce } = fakeStore({ order, prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 2 }] } });
    raceOnce.stealUnits = 2;
    await expect(settleOrder(withCopy(order), ports)).resolves.toBe('rejected');
    expect(state.order.rejectionReason).toBe('OUT_OF_STOCK');
    expect(state.voided).toEqual(['sim_01ORDER']);
    expect(state.orderReads).toBe(1);
  });

  it('releases the hold it took for a copy of an order that was rejected meanwhile', async () => {
    const { ports, state } = fakeStore({ order: { ...order, status: 'REJECTED', rejectionReason: 'SETTLEMENT_FAILED' }, prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 5 }] } });
    await expect(settleOrder(withCopy(order), ports)).resolves.toBe('already-settled');
    expect(state.authorized).toEqual([2]);
    expect(state.voided).toEqual(['sim_01ORDER']);
    expect(state.stock.p![0]!.available).toBe(5);
  });

  const cartLines = [{ productId: 'p', quantity: 2, addedAt: '2026-11-23T10:00:00.000Z' }];
  const fromCart = pendingOrder([{ productId: 'p', quantity: 2 }], { paymentToken: 'tok_ok', fromCart: true, cartLines });

  it('empties the cart of a fromCart order that another delivery confirmed without emptying it', async () => {
    const { ports, state, raceOnce } = fakeStore({ order: fromCart, prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 5 }] }, cart: { p: { quantity: 2, addedAt: cartLines[0]!.addedAt } } });
    raceOnce.failCartRemoval = true;
    await expect(settleOrder(withCopy(fromCart), ports)).rejects.toThrow('table unavailable');
    expect(state.order.status).toBe('CONFIRMED');
    await expect(settleOrder(withCopy(fromCart), ports)).resolves.toBe('already-settled');
    expect(state.cart.size).toBe(0);
    expect(state.commits).toBe(1);
  });

  it('leaves the cart of a fromCart order that was rejected', async () => {
    const declined = { ...fromCart, paymentToken: 'tok_decline' };
    const { ports, state } = fakeStore({ order: declined, prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 5 }] }, cart: { p: { quantity: 2, addedAt: cartLines[0]!.addedAt } } });
    await expect(settleOrder(withCopy(declined), ports)).resolves.toBe('rejected');
    await expect(settleOrder(withCopy(declined), ports)).resolves.toBe('already-settled');
    expect(state.cart.size).toBe(1);
  });
});

describe('settleOrder with a promotion', () => {
  const settle = (ports: SettlementPorts, paymentToken = 'tok_ok') => settleOrder({ orderId: '01ORDER', paymentToken }, ports);
  const withCode = (code = 'SAVE') => pendingOrder([{ productId: 'p', quantity: 2 }], { promotionCode: code });
  const stock = () => ({ p: [{ warehouseId: 'w', available: 5 }] });

  it('takes a percentage off, charges the total and counts one redemption', async () => {
    const { ports, state } = fakeStore({ order: withCode(), prices: { p: 999 }, stock: stock(), promotion: { percentOff: 10, maxRedemptions: 3, redemptions: 0 } });
    await expect(settle(ports)).resolves.toBe('confirmed');
    expect(state.order).toMatchObject({ status: 'CONFIRMED', subtotalCents: 1998, discountCents: 199, totalCents: 1799 });
    expect(state.authorized).toEqual([1799]);
    expect(state.promotion!.redemptions).toBe(1);
  });

  it('takes an amount off, never below zero', async () => {
    const { ports, state } = fakeStore({ order: withCode(), prices: { p: 300 }, stock: stock(), promotion: { amountOffCents: 1000, redemptions: 7 } });
    await expect(settle(ports)).resolves.toBe('confirmed');
    expect(state.order).toMatchObject({ subtotalCents: 600, discountCents: 600, totalCents: 0 });
    expect(state.promotion!.redemptions).toBe(8);
  });

  it.each([
    ['unknown', undefined],
    ['expired', { percentOff: 10, validUntil: '2026-11-23T23:59:59.999Z', redemptions: 0 }],
    ['exhausted', { percentOff: 10, maxRedemptions: 2, redemptions: 2 }],
  ])('rejects an %s code INVALID_PROMOTION before charging or taking stock', async (_, promotion) => {
    const { ports, state } = fakeStore({ order: withCode(), prices: { p: 100 }, stock: stock(), ...(promotion ? { promotion } : {}) });
    await expect(settle(ports)).resolves.toBe('rejected');
    expect(state.order).toMatchObject({ status: 'REJECTED', rejectionReason: 'INVALID_PROMOTION' });
    expect(state.authorized).toEqual([]);
    expect(state.stock.p![0]!.available).toBe(5);
  });

  it('rejects INVALID_PROMOTION and voids the payment when another order takes the last redemption first', async () => {
    const { ports, state, raceOnce } = fakeStore({ order: withCode(), prices: { p: 100 }, stock: stock(), promotion: { percentOff: 50, maxRedemptions: 1, redemptions: 0 } });
    raceOnce.takeLastRedemption = true;
    await expect(settle(ports)).resolves.toBe('rejected');
    expect(state.order).toMatchObject({ status: 'REJECTED', rejectionReason: 'INVALID_PROMOTION' });
    expect(state.voided).toEqual(['sim_01ORDER']);
    expect(state.promotion!.redemptions).toBe(1);
    expect(state.stock.p![0]!.available).toBe(5);
  });
});

describe('settleOrder from the cart', () => {
  const cartLines = [
    { productId: 'a', quantity: 1, addedAt: '2026-11-23T10:00:00.000Z' },
    { productId: 'b', quantity: 2, addedAt: '2026-11-23T11:00:00.000Z' },
  ];
  const fromCart = () =>
    pendingOrder(cartLines.map(({ productId, quantity }) => ({ productId, quantity })), { fromCart: true, cartLines });
  const store = (token?: string) => {
    const fake = fakeStore({
      order: fromCart(),
      prices: { a: 100, b: 200 },
      stock: { a: [{ warehouseId: 'w', available: 5 }], b: [{ warehouseId: 'w', available: 5 }] },
      cart: {
        a: { quantity: 1, addedAt: cartLines[0]!.addedAt },
        b: { quantity: 3, addedAt: cartLines[1]!.addedAt }, // changed after the order was placed
        c: { quantity: 1, addedAt: '2026-11-24T00:00:00.000Z' }, // added after the order was placed
      },
    });
    return { ...fake, settle: () => settleOrder({ orderId: '01ORDER', paymentToken: token ?? 'tok_ok' }, fake.ports) };
  };

  it('empties exactly the ordered lines once CONFIRMED', async () => {
    const { settle, state } = store();
    await expect(settle()).resolves.toBe('confirmed');
    expect(state.order.totalCents).toBe(500);
    expect([...state.cart.keys()].sort()).toEqual(['b', 'c']);
  });

  it('empties the cart on redelivery when the first delivery confirmed but failed before emptying it', async () => {
    const { settle, state, raceOnce } = store();
    raceOnce.failCartRemoval = true;
    await expect(settle()).rejects.toThrow('table unavailable');
    expect(state.order.status).toBe('CONFIRMED');
    expect(state.cart.has('a')).toBe(true);
    await expect(settle()).resolves.toBe('already-settled');
    expect([...state.cart.keys()].sort()).toEqual(['b', 'c']);
    expect(state.commits).toBe(1);
  });

  it('leaves the cart alone when the order is rejected', async () => {
    const { settle, state } = store('tok_decline');
    await expect(settle()).resolves.toBe('rejected');
    await expect(settle()).resolves.toBe('already-settled');
    expect([...state.cart.keys()].sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('settleOrder with this environment\'s stock snapshots', () => {
  const withSnapshots = (stock: Record<string, StockBucket[]>) => {
    const store = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 1 }], { orderId: 'A' }), prices: { p: 100 }, stock });
    const clock = { now: 0 };
    const snapshots = new StockSnapshots(2_000, () => clock.now);
    let stockReads = 0;
    const ports: SettlementPorts = {
      ...store.ports,
      stock: async (id) => {
        stockReads++;
        return store.ports.stock(id);
      },
      stockSnapshots: snapshots,
    };
    const next = (orderId: string, quantity: number) => {
      store.state.order = pendingOrder([{ productId: 'p', quantity }], { orderId });
      return settleOrder({ orderId, paymentToken: 'tok_ok' }, ports);
    };
    return { ...store, clock, snapshots, next, reads: () => stockReads };
  };
  const units = (stock: StockBucket[]) => Object.fromEntries(stock.map((w) => [w.warehouseId, w.available]));

  it('plans the next orders from the snapshot, without reading the stock, and the snapshot keeps what they took', async () => {
    const { state, next, reads, snapshots } = withSnapshots({ p: [{ warehouseId: 'w1', available: 5 }] });
    expect(await next('A', 1)).toBe('confirmed');
    expect(reads()).toBe(1);
    expect(await next('B', 2)).toBe('confirmed');
    expect(await next('C', 1)).toBe('confirmed');
    expect(reads()).toBe(1);
    expect(units(state.stock['p']!)).toEqual({ w1: 1 });
    expect(snapshots.get('p')).toEqual([{ warehouseId: 'w1', available: 1 }]);
  });

  it('reads the stock again once the snapshot is older than its maximum age', async () => {
    const { next, reads, clock } = withSnapshots({ p: [{ warehouseId: 'w1', available: 5 }] });
    await next('A', 1);
    clock.now = 2_001;
    expect(await next('B', 1)).toBe('confirmed');
    expect(reads()).toBe(2);
  });

  it('a stale plan loses its race at the transaction: the stock is read again and the order settles from what is there', async () => {
    const { state, next, reads } = withSnapshots({ p: [{ warehouseId: 'w1', available: 5 }, { warehouseId: 'w2', available: 3 }] });
    expect(await next('A', 1)).toBe('confirmed');
    // Another environment empties w1, which this one's snapshot still shows with 4 units.
    state.stock['p']!.find((w) => w.warehouseId === 'w1')!.available = 0;
    expect(await next('B', 2)).toBe('confirmed');
    expect(reads()).toBe(2);
    expect(state.voided).toHaveLength(1);
    expect(units(state.stock['p']!)).toEqual({ w1: 0, w2: 1 });
  });

  it('never rejects OUT_OF_STOCK from a snapshot: a plan the snapshot cannot make is made from a fresh read', async () => {
    const { state, next, reads } = withSnapshots({ p: [{ warehouseId: 'w1', available: 2 }] });
    expect(await next('A', 2)).toBe('confirmed');
    // Restocked meanwhile; the snapshot says 0.
    state.stock['p']![0]!.available = 10;
    expect(await next('B', 3)).toBe('confirmed');
    expect(reads()).toBe(2);
    expect(units(state.stock['p']!)).toEqual({ w1: 7 });
    // And a true shortage is still found on the fresh read.
    state.stock['p']![0]!.available = 1;
    expect(await next('C', 5)).toBe('rejected');
    expect(state.order.rejectionReason).toBe('OUT_OF_STOCK');
  });
});
