import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/domain/errors.ts';
import { epochSeconds } from '../../../lambdas/domain/expiry.ts';
import { changeCart } from '../../../lambdas/me/change-cart.ts';
import { fakeCarts, fakeCatalog, product } from '../shop-fakes.ts';

const WEEK = 7 * 86_400;
const line = (productId: string, quantity: number, ttl: number) => ({ productId, quantity, addedAt: '2026-11-24T09:00:00.000Z', ttl });
const soon = () => epochSeconds(new Date()) + 600;

function setup(lines: ReturnType<typeof line>[] = []) {
  const carts = fakeCarts(lines);
  const catalog = fakeCatalog([product('p-new'), product('a'), product('b')]);
  const ports = { carts: carts.store, catalog: catalog.store, cartTtlSeconds: WEEK, now: () => new Date() };
  return { carts: carts.state, catalog: catalog.state, ports };
}

describe('changeCart', () => {
  it('writes the line and the new expiry of every other live line in one write', async () => {
    const { carts, ports } = setup([line('a', 2, soon()), line('stale', 1, 1_700_000_000)]);
    const before = epochSeconds(new Date());
    const changed = await changeCart({ userId: 'user-1', productId: 'p-new', quantity: 3 }, ports);
    expect(changed.outcome).toBe('changed');
    if (changed.outcome !== 'changed') return;
    expect(changed.lines.map((l) => [l.productId, l.quantity])).toEqual([['a', 2], ['p-new', 3]]);

    const [plan] = carts.writes;
    expect(carts.writes).toHaveLength(1);
    expect(plan!.touch).toEqual(['a']); // the expired line is neither counted nor revived
    expect(plan!.ttl).toBeGreaterThanOrEqual(before + WEEK);
    expect(plan!.write).toEqual({ put: expect.objectContaining({ productId: 'p-new', quantity: 3, ttl: plan!.ttl }) });
    expect(changed.lines.every((l) => l.ttl === plan!.ttl)).toBe(true);
  });

  it('removes the line for quantity 0 without asking the catalog', async () => {
    const { carts, catalog, ports } = setup();
    expect(await changeCart({ userId: 'user-1', productId: 'anything', quantity: 0 }, ports)).toEqual({ outcome: 'changed', lines: [] });
    expect(catalog.reads).toHaveLength(0);
    expect(carts.writes[0]!.write).toEqual({ remove: 'anything' });
  });

  it('answers unknown-product for a product the catalog does not have, writing nothing', async () => {
    const { carts, ports } = setup();
    expect(await changeCart({ userId: 'user-1', productId: 'ghost', quantity: 1 }, ports)).toEqual({ outcome: 'unknown-product' });
    expect(carts.writes).toHaveLength(0);
  });

  it('refuses a 51st product, but still changes a product already in a full cart', async () => {
    const { carts, catalog, ports } = setup(Array.from({ length: 50 }, (_, i) => line(`p${i}`, 1, soon())));
    catalog.products.set('p0', product('p0'));
    await expect(changeCart({ userId: 'user-1', productId: 'p-new', quantity: 1 }, ports)).rejects.toThrow(ValidationError);
    expect(carts.writes).toHaveLength(0);
    expect((await changeCart({ userId: 'user-1', productId: 'p0', quantity: 9 }, ports)).outcome).toBe('changed');
    expect(carts.writes[0]!.touch).toHaveLength(49);
  });

  it('plans again from a fresh read when a concurrent change got in first', async () => {
    const { carts, ports } = setup([line('a', 1, soon()), line('b', 1, soon())]);
    carts.contend = 1;
    const firstRead = ports.carts.liveLines;
    let reads = 0;
    ports.carts = { ...ports.carts, liveLines: async (userId, now) => (++reads === 1 ? firstRead(userId, now) : [line('b', 1, soon())]) };
    const changed = await changeCart({ userId: 'user-1', productId: 'p-new', quantity: 1 }, ports);
    expect(changed.outcome === 'changed' && changed.lines.map((l) => l.productId)).toEqual(['b', 'p-new']);
    expect(reads).toBe(2);
    expect(carts.writes[1]!.touch).toEqual(['b']);
  });

  it('answers contended when the cart keeps changing under every attempt', async () => {
    const { carts, ports } = setup();
    carts.contend = 99;
    expect(await changeCart({ userId: 'user-1', productId: 'p-new', quantity: 1 }, ports)).toEqual({ outcome: 'contended' });
    expect(carts.writes).toHaveLength(3);
  });
});
