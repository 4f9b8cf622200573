import { describe, expect, it } from 'vitest';
import { call, unique } from './client.ts';
import { customer, stockedProduct } from './fixtures.ts';
import { commands, inProcess } from './in-process.ts';

type Page = { items: string[]; nextCursor: string | null };

describe('the wishlist (AP8)', () => {
  it('adds catalog products idempotently, pages them in id order and removes them', async () => {
    const products = (await Promise.all([1, 2, 3].map(() => stockedProduct(100, {})))).sort();
    const { token } = await customer();
    for (const productId of [...products, products[0]!]) {
      const added = await call('PUT', `/me/wishlist/${productId}`, { token });
      expect(added.status).toBe(200);
      expect(added.body).toEqual({ productId, onWishlist: true });
    }
    const ghost = await call('PUT', `/me/wishlist/${unique('ghost')}`, { token });
    expect(ghost.status).toBe(404);

    const first = await call<Page>('GET', '/me/wishlist?limit=2', { token });
    expect(first.body.items).toEqual(products.slice(0, 2));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call<Page>('GET', `/me/wishlist?limit=2&cursor=${encodeURIComponent(first.body.nextCursor!)}`, { token });
    expect(second.body).toEqual({ items: products.slice(2), nextCursor: null });

    const removed = await call('DELETE', `/me/wishlist/${products[1]}`, { token });
    expect(removed.body).toEqual({ productId: products[1], onWishlist: false });
    expect((await call('DELETE', `/me/wishlist/${products[1]}`, { token })).status).toBe(200);
    expect((await call<Page>('GET', '/me/wishlist', { token })).body).toEqual({ items: [products[0], products[2]], nextCursor: null });

    expect((await call('GET', '/me/wishlist?cursor=garbage', { token })).status).toBe(400);
    expect((await call('GET', '/me/wishlist?limit=0', { token })).status).toBe(400);
  });

  it('AP8 get wishlist: one Query per page', async () => {
    const harness = await inProcess();
    const products = (await Promise.all([1, 2, 3].map(() => stockedProduct(100, {})))).sort();
    const { userId, token } = await customer();
    for (const productId of products) await call('PUT', `/me/wishlist/${productId}`, { token });

    const { listWishlist } = await import('../../lambdas/adapters/wishlist-store.ts');
    const whole = await harness.count(() => listWishlist(userId, { limit: 20 }));
    expect(whole.result).toEqual({ productIds: products, after: null });
    expect(commands(whole.requests)).toEqual(['QueryCommand']);

    const paged = await harness.count(() => listWishlist(userId, { limit: 1, after: products[0]! }));
    expect(paged.result).toEqual({ productIds: [products[1]], after: products[1] });
    expect(commands(paged.requests)).toEqual(['QueryCommand']);
  });
});
