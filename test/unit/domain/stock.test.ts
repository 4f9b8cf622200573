import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketsForConcurrency, spreadUnits, warehouseTotals } from '../../../lambdas/domain/stock.ts';

describe('spreadUnits', () => {
  it('spreads every unit, as evenly as whole units go, over exactly the buckets asked for (property)', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000_000), fc.integer({ min: 1, max: 99 }), (units, buckets) => {
        const spread = spreadUnits(units, buckets);
        return (
          spread.length === buckets &&
          spread.reduce((sum, n) => sum + n, 0) === units &&
          Math.max(...spread) - Math.min(...spread) <= 1 &&
          spread.every((n, i) => i === 0 || n <= spread[i - 1]!)
        );
      }),
    );
  });

  it('gives the remainder to the first buckets, and empty buckets to no stock', () => {
    expect(spreadUnits(10, 4)).toEqual([3, 3, 2, 2]);
    expect(spreadUnits(2, 4)).toEqual([1, 1, 0, 0]);
    expect(spreadUnits(0, 3)).toEqual([0, 0, 0]);
    expect(() => spreadUnits(5, 0)).toThrow(RangeError);
    expect(() => spreadUnits(-1, 2)).toThrow(RangeError);
  });
});

describe('warehouseTotals', () => {
  it('sums the buckets of each warehouse, schema-1 items included, in the order they come', () => {
    expect(
      warehouseTotals([
        { warehouseId: 'w1', available: 2 },
        { warehouseId: 'w1', bucket: 0, available: 3 },
        { warehouseId: 'w2', bucket: 0, available: 0 },
        { warehouseId: 'w1', bucket: 1, available: 1 },
      ]),
    ).toEqual([
      { warehouseId: 'w1', available: 6 },
      { warehouseId: 'w2', available: 0 },
    ]);
    expect(warehouseTotals([])).toEqual([]);
  });
});

describe('bucketsForConcurrency', () => {
  it('sizes the buckets of a hot product from its concurrent settlements and the conflict rate allowed', () => {
    // The default: SettleOrder's 5 concurrent settlements, at most a quarter of them conflicting.
    expect(bucketsForConcurrency(5, 0.25)).toBe(16);
    expect(bucketsForConcurrency(1, 0.1)).toBe(1);
    expect(bucketsForConcurrency(11, 0.1)).toBe(100);
    expect(() => bucketsForConcurrency(5, 0)).toThrow(RangeError);
  });

  it('keeps the chance of sharing a bucket with another settlement under the rate (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (concurrent, rate) => {
        const buckets = bucketsForConcurrency(concurrent, rate);
        return 1 - (1 - 1 / buckets) ** (concurrent - 1) <= rate + 1e-12;
      }),
    );
  });
});
