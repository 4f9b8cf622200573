import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allSettledBounded, chunk, mapBounded } from '../../../lambdas/domain/batching.ts';

describe('batching', () => {
  it('chunks keep order and size (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 30 }), (items, size) => {
        const chunks = chunk(items, size);
        return chunks.flat().join() === items.join() && chunks.every((c) => c.length >= 1 && c.length <= size);
      }),
    );
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });

  it('never runs more than the limit at once, and settles every item in order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 30 }), fc.integer({ min: 1, max: 6 }), async (fails, limit) => {
        let inFlight = 0;
        let peak = 0;
        const results = await allSettledBounded(fails, limit, async (fail) => {
          peak = Math.max(peak, ++inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight--;
          if (fail) throw new Error('no');
          return 'ok';
        });
        return peak <= limit && results.every((result, i) => result.status === (fails[i] ? 'rejected' : 'fulfilled'));
      }),
    );
  });

  it('mapBounded rethrows the first failure once everything has settled', async () => {
    const finished: number[] = [];
    await expect(
      mapBounded([1, 2, 3], 3, async (n) => {
        await new Promise((resolve) => setTimeout(resolve, n));
        finished.push(n);
        if (n === 1) throw new Error('first');
        return n;
      }),
    ).rejects.toThrow('first');
    expect(finished.sort()).toEqual([1, 2, 3]);
    await expect(mapBounded([1, 2], 1, async (n) => n * 2)).resolves.toEqual([2, 4]);
  });
});
