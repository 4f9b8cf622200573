import { describe, expect, it } from 'vitest';
import { changeWishlist } from '../../../lambdas/me/change-wishlist.ts';
import { fakeCatalog, fakeWishlists, product } from '../shop-fakes.ts';

function setup() {
  const wishlists = fakeWishlists();
  const catalog = fakeCatalog([product('p1')]);
  return { wishlists: wishlists.state, catalog: catalog.state, ports: { wishlists: wishlists.store, catalog: catalog.store, now: () => 'now' } };
}

describe('changeWishlist', () => {
  it('adds a catalog product and removes it, idempotently', async () => {
    const { wishlists, catalog, ports } = setup();
    for (let i = 0; i < 2; i++) {
      expect(await changeWishlist({ userId: 'user-1', productId: 'p1', onWishlist: true }, ports)).toEqual({ outcome: 'changed', productId: 'p1', onWishlist: true });
    }
    expect([...wishlists.entries.get('user-1')!]).toEqual(['p1']);
    for (let i = 0; i < 2; i++) {
      expect(await changeWishlist({ userId: 'user-1', productId: 'p1', onWishlist: false }, ports)).toEqual({ outcome: 'changed', productId: 'p1', onWishlist: false });
    }
    expect(wishlists.entries.get('user-1')!.size).toBe(0);
    expect(catalog.reads).toEqual(['p1', 'p1']); // removing asks no one
  });

  it('answers unknown-product for a product the catalog does not have, adding nothing', async () => {
    const { wishlists, ports } = setup();
    expect(await changeWishlist({ userId: 'user-1', productId: 'ghost', onWishlist: true }, ports)).toEqual({ outcome: 'unknown-product' });
    expect(wishlists.entries.get('user-1')).toBeUndefined();
  });
});
