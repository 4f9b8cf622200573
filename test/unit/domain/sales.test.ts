import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankTopProducts, salesOfOrder } from '../../../lambdas/domain/sales.ts';

const lines = [
  { productId: 'p1', quantity: 2, unitPriceCents: 500 },
  { productId: 'p2', quantity: 1, unitPriceCents: 300 },
];

describe('sales rules', () => {
  it('sums each product’s lines once', () => {
    expect(salesOfOrder([...lines, { productId: 'p1', quantity: 1, unitPriceCents: 500 }])).toEqual([
      { productId: 'p1', units: 3, revenueCents: 1500 },
      { productId: 'p2', units: 1, revenueCents: 300 },
    ]);
  });

  const productId = fc.constantFrom<string>('a', 'b', 'c', 'd', 'e', 'f');
  const entry = fc.record({ productId, unitsSold: fc.nat(1000) });
  const figures = fc.array(fc.tuple(productId, fc.nat(1000))).map((pairs) => new Map(pairs));

  it('ranks at most `size` products best first, never lowering a figure, idempotently (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.productId }), figures, fc.integer({ min: 1, max: 6 }), (current, latest, size) => {
        const next = rankTopProducts(current, latest, size);
        const sorted = next.every((e, i) => i === 0 || next[i - 1]!.unitsSold > e.unitsSold || (next[i - 1]!.unitsSold === e.unitsSold && next[i - 1]!.productId < e.productId));
        const neverLower = next.every((e) => e.unitsSold >= (latest.get(e.productId) ?? 0) && e.unitsSold >= (current.find((c) => c.productId === e.productId)?.unitsSold ?? 0));
        const again = rankTopProducts(next, latest, size);
        return next.length <= size && sorted && neverLower && JSON.stringify(again) === JSON.stringify(next) && next.every((e) => e.unitsSold > 0);
      }),
    );
  });
});
