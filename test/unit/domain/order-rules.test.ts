import fc from 'fast-check';
import { ulid } from 'ulid';
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
  type StockBucket,
  warehouseAllocations,
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

describe('allocateStock over buckets (decision 0013)', () => {
  const buckets = (warehouseId: string, units: number[]): StockBucket[] => units.map((available, bucket) => ({ warehouseId, bucket, available }));

  it('takes a line from one bucket when one covers it, starting where the order id hashes to', () => {
    const stock = new Map([['p', buckets('w1', [3, 3, 3, 3])]]);
    const first = allocateStock([{ productId: 'p', quantity: 2 }], stock, MAX_STOCK_WRITES, 'order-a');
    expect(first.ok && first.value).toEqual([{ productId: 'p', warehouseId: 'w1', bucket: expect.any(Number), quantity: 2 }]);
    // The same order always plans the same way.
    expect(allocateStock([{ productId: 'p', quantity: 2 }], stock, MAX_STOCK_WRITES, 'order-a')).toEqual(first);
  });

  it('spreads concurrent orders of one product over its buckets', () => {
    const stock = new Map([['p', buckets('w1', new Array(16).fill(100))]]);
    const tally = new Array<number>(16).fill(0);
    for (let i = 0; i < 1600; i++) {
      const result = allocateStock([{ productId: 'p', quantity: 1 }], stock, MAX_STOCK_WRITES, ulid());
      if (!result.ok) throw new Error('out of stock');
      tally[result.value[0]!.bucket!]!++;
    }
    // 100 each on average; FNV-1a of ULIDs keeps every bucket well within half of that.
    for (const n of tally) expect(n).toBeGreaterThan(50);
  });

  it('skips empty buckets and, when no bucket covers the line, takes the fullest first', () => {
    const stock = new Map([['p', buckets('w1', [0, 2, 5, 1])]]);
    const result = allocateStock([{ productId: 'p', quantity: 7 }], stock, MAX_STOCK_WRITES, 'any');
    expect(result).toEqual({
      ok: true,
      value: [
        { productId: 'p', warehouseId: 'w1', bucket: 2, quantity: 5 },
        { productId: 'p', warehouseId: 'w1', bucket: 1, quantity: 2 },
      ],
    });
  });

  it('counts a schema-1 item (no bucket) as one more bucket, and names no bucket for it', () => {
    const stock = new Map([['p', [{ warehouseId: 'w1', available: 4 }, ...buckets('w1', [1, 1])]]]);
    const result = allocateStock([{ productId: 'p', quantity: 6 }], stock, MAX_STOCK_WRITES, 'x');
    expect(result.ok && result.value).toEqual(
      expect.arrayContaining([{ productId: 'p', warehouseId: 'w1', quantity: 4 }, { productId: 'p', warehouseId: 'w1', bucket: 0, quantity: 1 }]),
    );
    expect(result.ok && result.value.reduce((sum, a) => sum + a.quantity, 0)).toBe(6);
  });

  it('keeps the warehouse order: the fullest warehouse first, whatever its buckets', () => {
    const stock = new Map([['p', [...buckets('w1', [2, 2]), ...buckets('w2', [3, 3])]]]);
    const result = allocateStock([{ productId: 'p', quantity: 7 }], stock, MAX_STOCK_WRITES, 'x');
    expect(result.ok && result.value.map((a) => a.warehouseId)).toEqual(['w2', 'w2', 'w1']);
  });

  it('is OUT_OF_STOCK when a plan over many small buckets needs more writes than the budget', () => {
    const stock = new Map([['p', buckets('w1', new Array(10).fill(1))]]);
    expect(allocateStock([{ productId: 'p', quantity: 5 }], stock, 4, 'x')).toEqual({ ok: false, reason: 'OUT_OF_STOCK' });
    expect(allocateStock([{ productId: 'p', quantity: 5 }], stock, 5, 'x').ok).toBe(true);
  });

  it('never takes more than a bucket holds, covers each line exactly, and stays within the write budget (property)', () => {
    const bucketArb = fc.record({ warehouseId: fc.constantFrom('w1', 'w2', 'w3'), bucket: fc.option(fc.nat(20), { nil: undefined }), available: fc.nat(30) });
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(bucketArb, { selector: (b) => `${b.warehouseId}#${b.bucket ?? '-'}`, maxLength: 24 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 100 }),
        fc.string({ maxLength: 26 }),
        (stocks, quantities, maxWrites, orderId) => {
          const lines = quantities.slice(0, stocks.length).map((quantity, i) => ({ productId: `p${i}`, quantity }));
          const stock = new Map(lines.map((line, i) => [line.productId, stocks[i]!]));
          const result = allocateStock(lines, stock, maxWrites, orderId);
          const held = (productId: string) => stock.get(productId)!.filter((b) => b.available > 0);
          const covered = lines.every((line) => held(line.productId).reduce((sum, b) => sum + b.available, 0) >= line.quantity);
          const roomy = lines.reduce((sum, line) => sum + held(line.productId).length, 0) <= maxWrites;
          if (!covered) return !result.ok;
          if (!result.ok) return !roomy;
          const key = (a: { productId: string; warehouseId: string; bucket?: number | undefined }) => `${a.productId}#${a.warehouseId}#${a.bucket ?? '-'}`;
          const keys = result.value.map(key);
          const withinBuckets = result.value.every((a) => {
            const bucket = stock.get(a.productId)!.find((b) => key({ productId: a.productId, ...b }) === key(a));
            return bucket !== undefined && a.quantity > 0 && a.quantity <= bucket.available;
          });
          const exact = lines.every((line) => result.value.filter((a) => a.productId === line.productId).reduce((sum, a) => sum + a.quantity, 0) === line.quantity);
          return withinBuckets && exact && new Set(keys).size === keys.length && result.value.length <= maxWrites;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('sums the buckets taken per product and warehouse for the allocations of OrderConfirmed', () => {
    expect(
      warehouseAllocations([
        { productId: 'p', warehouseId: 'w1', bucket: 3, quantity: 2 },
        { productId: 'p', warehouseId: 'w2', bucket: 0, quantity: 1 },
        { productId: 'p', warehouseId: 'w1', bucket: 5, quantity: 4 },
        { productId: 'q', warehouseId: 'w1', quantity: 1 },
      ]),
    ).toEqual([
      { productId: 'p', warehouseId: 'w1', quantity: 6 },
      { productId: 'p', warehouseId: 'w2', quantity: 1 },
      { productId: 'q', warehouseId: 'w1', quantity: 1 },
    ]);
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
