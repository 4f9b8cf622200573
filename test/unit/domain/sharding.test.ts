import fc from 'fast-check';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { allShards, shardFor, shardsForPeakWrites } from '../../../lambdas/domain/sharding.ts';

describe('shardFor', () => {
  it('maps an id to the same shard every time, within range (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max: 64 }), (id, count) => {
        const shard = shardFor(id, count);
        return shard === shardFor(id, count) && Number.isInteger(shard) && shard >= 0 && shard < count;
      }),
    );
  });

  it('spreads ULIDs evenly: every shard within 15% of the mean over 20,000 ids', () => {
    const count = 8;
    const tally = new Array<number>(count).fill(0);
    for (let i = 0; i < 20_000; i++) tally[shardFor(ulid(), count)]!++;
    const mean = 20_000 / count;
    for (const n of tally) expect(Math.abs(n - mean) / mean).toBeLessThan(0.15);
  });

  it('refuses a shard count that is not a positive integer', () => {
    expect(() => shardFor('x', 0)).toThrow(RangeError);
    expect(() => shardFor('x', 1.5)).toThrow(RangeError);
  });
});

describe('sizing', () => {
  it('lists every shard once', () => {
    expect(allShards(4)).toEqual([0, 1, 2, 3]);
  });

  it('sizes shards at half a partition’s write capacity each', () => {
    expect(shardsForPeakWrites(100)).toBe(1);
    expect(shardsForPeakWrites(501)).toBe(2);
    expect(shardsForPeakWrites(4000)).toBe(8);
  });
});
