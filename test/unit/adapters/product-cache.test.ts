import { describe, expect, it, vi } from 'vitest';
import { ProductCache } from '../../../lambdas/adapters/product-cache.ts';
import type { ProductItem } from '../../../lambdas/model/product.ts';

const product = (productId: string, priceCents = 100): ProductItem => ({
  productId,
  name: productId,
  description: '',
  priceCents,
  currency: 'USD',
  categories: [],
  attributes: {},
  schemaVersion: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

/** A cache over an in-memory table, on a clock the test moves. */
function setup(options: { max?: number; ttlSeconds?: number; missTtlSeconds?: number } = {}) {
  const table = new Map<string, ProductItem>();
  const clock = { ms: 1_000_000, now: () => clock.ms };
  const load = vi.fn(async (productId: string) => table.get(productId));
  const cache = new ProductCache({ max: options.max ?? 10, ttlSeconds: options.ttlSeconds ?? 60, missTtlSeconds: options.missTtlSeconds ?? 5, load, perf: clock });
  return { table, clock, load, cache };
}

describe('ProductCache', () => {
  it('reads a product once per TTL', async () => {
    const { table, clock, load, cache } = setup();
    table.set('p1', product('p1'));
    expect(await cache.get('p1')).toEqual(product('p1'));
    table.set('p1', product('p1', 200));
    clock.ms += 59_000;
    expect((await cache.get('p1'))?.priceCents).toBe(100);
    expect(load).toHaveBeenCalledTimes(1);
    clock.ms += 2_000;
    expect((await cache.get('p1'))?.priceCents).toBe(200);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('remembers a miss only briefly', async () => {
    const { table, clock, load, cache } = setup();
    expect(await cache.get('ghost')).toBeUndefined();
    expect(await cache.get('ghost')).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(1);
    table.set('ghost', product('ghost'));
    clock.ms += 5_001;
    expect(await cache.get('ghost')).toEqual(product('ghost'));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('never remembers a miss longer than a hit', async () => {
    const { table, clock, load, cache } = setup({ ttlSeconds: 1, missTtlSeconds: 5 });
    await cache.get('p1');
    table.set('p1', product('p1'));
    clock.ms += 1_001;
    expect(await cache.get('p1')).toBeDefined();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not cache a failed read', async () => {
    const { table, load, cache } = setup();
    load.mockRejectedValueOnce(new Error('throttled'));
    await expect(cache.get('p1')).rejects.toThrow('throttled');
    table.set('p1', product('p1'));
    expect(await cache.get('p1')).toEqual(product('p1'));
  });

  it('evicts the least recently used product beyond its size', async () => {
    const { table, load, cache } = setup({ max: 2 });
    for (const id of ['a', 'b', 'c']) table.set(id, product(id));
    await cache.get('a');
    await cache.get('b');
    await cache.get('a');
    await cache.get('c');
    load.mockClear();
    await cache.get('a');
    expect(load).not.toHaveBeenCalled();
    await cache.get('b');
    expect(load).toHaveBeenCalledWith('b');
  });

  it('is seeded without replacing entries, and remembers what this instance wrote', async () => {
    const { table, load, cache } = setup();
    table.set('p1', product('p1', 100));
    await cache.get('p1');
    cache.seed([product('p1', 999), product('p2', 300)]);
    expect((await cache.get('p1'))?.priceCents).toBe(100);
    expect((await cache.get('p2'))?.priceCents).toBe(300);
    cache.remember(product('p1', 150));
    expect((await cache.get('p1'))?.priceCents).toBe(150);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('is off with size 0 or TTL 0: every read loads', async () => {
    for (const options of [{ max: 0 }, { ttlSeconds: 0 }]) {
      const { table, load, cache } = setup(options);
      table.set('p1', product('p1'));
      cache.seed([product('p1')]);
      await cache.get('p1');
      await cache.get('p1');
      expect(load).toHaveBeenCalledTimes(2);
    }
  });
});
