import { describe, expect, it } from 'vitest';
import { STOCK_SNAPSHOT_MAX_PRODUCTS, StockSnapshots } from '../../../lambdas/domain/stock-snapshots.ts';

function clockAt(start = 0) {
  const clock = { at: start, now: () => clock.at };
  return clock;
}

const buckets = (available: number) => [
  { warehouseId: 'W1', bucket: 0, available },
  { warehouseId: 'W1', bucket: 1, available },
];

describe('StockSnapshots', () => {
  it('plans from a read until it is older than the maximum age, then asks for a fresh one', () => {
    const clock = clockAt();
    const snapshots = new StockSnapshots(2_000, clock.now);
    snapshots.put('P1', buckets(5));
    clock.at = 2_000;
    expect(snapshots.get('P1')).toEqual(buckets(5));
    clock.at = 2_001;
    expect(snapshots.get('P1')).toBeUndefined();
    // Gone, not only hidden: turning the clock back does not bring it back.
    clock.at = 0;
    expect(snapshots.get('P1')).toBeUndefined();
  });

  it('keeps its own copy of a read: what the caller does to its array later does not change the plan', () => {
    const snapshots = new StockSnapshots(2_000, clockAt().now);
    const read = buckets(5);
    snapshots.put('P1', read);
    read[0]!.available = 0;
    read.pop();
    expect(snapshots.get('P1')).toEqual(buckets(5));
  });

  it('takes what a committed confirmation took from the bucket it came from, and from no other', () => {
    const snapshots = new StockSnapshots(2_000, clockAt().now);
    snapshots.put('P1', buckets(5));
    snapshots.put('P2', buckets(5));
    snapshots.take([
      { productId: 'P1', warehouseId: 'W1', bucket: 1, quantity: 3 },
      { productId: 'P3', warehouseId: 'W1', bucket: 0, quantity: 1 },
    ]);
    expect(snapshots.get('P1')).toEqual([
      { warehouseId: 'W1', bucket: 0, available: 5 },
      { warehouseId: 'W1', bucket: 1, available: 2 },
    ]);
    expect(snapshots.get('P2')).toEqual(buckets(5));
    expect(snapshots.get('P3')).toBeUndefined();
  });

  it('forgets the products whose plan lost a race, and only those', () => {
    const snapshots = new StockSnapshots(2_000, clockAt().now);
    for (const id of ['P1', 'P2', 'P3']) snapshots.put(id, buckets(5));
    snapshots.forget(['P1', 'P3']);
    expect(['P1', 'P2', 'P3'].map((id) => snapshots.get(id) !== undefined)).toEqual([false, true, false]);
  });

  it(`remembers at most ${STOCK_SNAPSHOT_MAX_PRODUCTS} products, dropping the one read longest ago`, () => {
    const clock = clockAt();
    const snapshots = new StockSnapshots(60_000, clock.now);
    for (let i = 0; i < STOCK_SNAPSHOT_MAX_PRODUCTS; i++) snapshots.put(`P${i}`, buckets(1));
    // P0 is read again: it is now the newest, so P1 is the oldest read.
    snapshots.put('P0', buckets(2));
    snapshots.put('extra', buckets(3));
    expect(snapshots.get('P0')).toEqual(buckets(2));
    expect(snapshots.get('P1')).toBeUndefined();
    expect(snapshots.get('P2')).toEqual(buckets(1));
    expect(snapshots.get('extra')).toEqual(buckets(3));
    const remembered = Array.from({ length: STOCK_SNAPSHOT_MAX_PRODUCTS }, (_, i) => snapshots.get(`P${i}`)).filter(Boolean).length;
    expect(remembered + 1).toBe(STOCK_SNAPSHOT_MAX_PRODUCTS);
  });
});
