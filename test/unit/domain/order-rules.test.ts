import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateStock,
  confirmationEvents,
  isNewerStatus,
  MAX_STOCK_WRITES,
  mergeRecentOrders,
  orderTotals,
  priceLines,
  rejectionEvents,
  stockWriteBudget,
  type OrderSummary,
} from '../../../lambdas/domain/order-rules.ts';

describe('priceLines', () => {
  it('prices every line from the catalog and sums the subtotal', () => {
    const catalog = new Map([['a', { priceCents: 250 }], ['b', { priceCents: 1000 }]]);
    const result = priceLines([{ productId: 'a', quantity: 3 }, { productId: 'b', quantity: 1 }], catalog);
    expect(result).toEqual({
      ok: true,
      value: {
        lines: [
          { productId: 'a', quantity: 3, unitPriceCents: 250 },
          { productId: 'b', quantity: 1, unitPriceCents: 1000 },
        ],
        subtotalCents: 1750,
      },
    });
  });

  it('rejects an order naming a product the catalog does not have', () => {
    expect(priceLines([{ productId: 'ghost', quantity: 1 }], new Map())).toEqual({ ok: false, reason: 'UNKNOWN_PRODUCT' });
  });
});

describe('allocateStock', () => {
  it('takes from the fullest warehouse first and splits when one is not enough', () => {
    const stock = new Map([['p', [{ warehouseId: 'w1', available: 2 }, { warehouseId: 'w2', available: 5 }]]]);
    expect(allocateStock([{ productId: 'p', quantity: 6 }], stock)).toEqual({
      ok: true,
      value: [
        { productId: 'p', warehouseId: 'w2', quantity: 5 },
        { productId: 'p', warehouseId: 'w1', quantity: 1 },
      ],
    });
  });

  it('is OUT_OF_STOCK when the warehouses together hold too few units', () => {
    const stock = new Map([['p', [{ warehouseId: 'w1', available: 2 }]]]);
    expect(allocateStock([{ productId: 'p', quantity: 3 }], stock)).toEqual({ ok: false, reason: 'OUT_OF_STOCK' });
  });

  it('is OUT_OF_STOCK when a plan needs more writes than a transaction holds', () => {
    const warehouses = Array.from({ length: MAX_STOCK_WRITES + 1 }, (_, i) => ({ warehouseId: `w${i}`, available: 1 }));
    const stock = new Map([['p', warehouses]]);
    expect(allocateStock([{ productId: 'p', quantity: MAX_STOCK_WRITES + 1 }], stock).ok).toBe(false);
  });

  it('leaves room in the transaction for the promotion redemption', () => {
    expect(stockWriteBudget(false)).toBe(MAX_STOCK_WRITES);
    expect(stockWriteBudget(true)).toBe(MAX_STOCK_WRITES - 1);
    const warehouses = Array.from({ length: MAX_STOCK_WRITES }, (_, i) => ({ warehouseId: `w${i}`, available: 1 }));
    const stock = new Map([['p', warehouses]]);
    const lines = [{ productId: 'p', quantity: MAX_STOCK_WRITES }];
    expect(allocateStock(lines, stock, stockWriteBudget(false)).ok).toBe(true);
    expect(allocateStock(lines, stock, stockWriteBudget(true))).toEqual({ ok: false, reason: 'OUT_OF_STOCK' });
  });

  it('never takes more than a warehouse has and always covers each line exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ warehouseId: fc.string({ minLength: 1, maxLength: 4 }), available: fc.nat(20) }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 99 }),
        (warehouses, quantity) => {
          const unique = [...new Map(warehouses.map((w) => [w.warehouseId, w])).values()];
          const result = allocateStock([{ productId: 'p', quantity }], new Map([['p', unique]]));
          const total = unique.reduce((sum, w) => sum + w.available, 0);
          if (total < quantity) return !result.ok;
          if (!result.ok) return false;
          const taken = result.value.reduce((sum, a) => sum + a.quantity, 0);
          const withinStock = result.value.every((a) => a.quantity > 0 && a.quantity <= unique.find((w) => w.warehouseId === a.warehouseId)!.available);
          return taken === quantity && withinStock;
        },
      ),
    );
  });
});

describe('order events', () => {
  it('one event for one state change: OrderConfirmed, numbered after the last one, with the totals, the stock taken and the payment', () => {
    const totals = orderTotals(100, 10);
    const allocations = [{ productId: 'p1', warehouseId: 'w1', quantity: 1 }];
    const events = confirmationEvents(1, allocations, { reference: 'r', amountCents: 90 }, { ...totals, promotionCode: 'SAVE10' });
    expect(events.map((e) => [e.seq, e.type])).toEqual([[2, 'OrderConfirmed']]);
    expect(events[0]!.data).toEqual({
      subtotalCents: 100,
      discountCents: 10,
      totalCents: 90,
      promotionCode: 'SAVE10',
      allocations,
      payment: { reference: 'r', amountCents: 90 },
    });
  });

  it('records the rejection reason', () => {
    expect(rejectionEvents(1, 'PAYMENT_DECLINED')).toEqual([{ seq: 2, type: 'OrderRejected', data: { reason: 'PAYMENT_DECLINED' } }]);
  });
});

describe('recent orders', () => {
  const summary = (orderId: string, status = 'PENDING'): OrderSummary => ({ orderId, status, totalCents: 1, createdAt: 'x' });

  it('keeps the five newest, newest first', () => {
    let recent: OrderSummary[] = [];
    for (const id of ['01', '03', '02', '05', '04', '06']) recent = mergeRecentOrders(recent, summary(id));
    expect(recent.map((o) => o.orderId)).toEqual(['06', '05', '04', '03', '02']);
  });

  it('moves an order forward in status but never back', () => {
    const confirmed = mergeRecentOrders([summary('01')], summary('01', 'CONFIRMED'));
    expect(confirmed).toEqual([summary('01', 'CONFIRMED')]);
    expect(mergeRecentOrders(confirmed, summary('01', 'PENDING'))).toEqual(confirmed);
    expect(isNewerStatus('PENDING', 'CONFIRMED')).toBe(false);
    expect(isNewerStatus('REJECTED', 'PENDING')).toBe(true);
  });

  it('is idempotent: merging the same summary twice changes nothing (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[0-9A-Z]{4}$/), { maxLength: 10 }), fc.constantFrom('PENDING', 'CONFIRMED', 'REJECTED'), (ids, status) => {
        const base = ids.reduce<OrderSummary[]>((list, id) => mergeRecentOrders(list, summary(id)), []);
        const once = mergeRecentOrders(base, summary('ZZZZ', status));
        return JSON.stringify(mergeRecentOrders(once, summary('ZZZZ', status))) === JSON.stringify(once);
      }),
    );
  });
});
