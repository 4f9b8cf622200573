import { describe, expect, it } from 'vitest';
import { cursorBefore } from '../../../lambdas/domain/pagination.ts';
import { apiHandler } from '../../../lambdas/http/api-handler.ts';
import type { HttpEvent } from '../../../lambdas/http/request.ts';
import { deleteWishlistItem, getWishlist, putWishlistItem } from '../../../lambdas/me/wishlist.ts';
import { httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';
import { fakeCatalog, fakeWishlists, product } from '../shop-fakes.ts';

/** The wishlist routes over in-memory stores. */
function setup() {
  const wishlists = fakeWishlists();
  const ports = { wishlists: wishlists.store, catalog: fakeCatalog([product('p1')]).store, now: () => 'now' };
  const handler = apiHandler({
    'GET /me/wishlist': (event: HttpEvent) => getWishlist(event, ports),
    'PUT /me/wishlist/{productId}': (event: HttpEvent) => putWishlistItem(event, ports),
    'DELETE /me/wishlist/{productId}': (event: HttpEvent) => deleteWishlistItem(event, ports),
  });
  const list = (query?: Record<string, string>) => handler(httpEvent({ routeKey: 'GET /me/wishlist', ...(query ? { query } : {}) }), lambdaContext);
  const call = (method: 'PUT' | 'DELETE', productId: string) =>
    handler(httpEvent({ routeKey: `${method} /me/wishlist/{productId}`, pathParameters: { productId } }), lambdaContext);
  return { wishlists: wishlists.state, list, call };
}

describe('GET /me/wishlist', () => {
  it('pages product ids in order, the cursor continuing after the last id', async () => {
    const { wishlists, list } = setup();
    wishlists.entries.set('user-1', new Set(['c', 'a', 'b']));
    const first = await list({ limit: '2' });
    expect(first.statusCode).toBe(200);
    const page = parseBody(first);
    expect(page.items).toEqual(['a', 'b']);
    expect(page.nextCursor).toEqual(expect.any(String));

    const second = parseBody(await list({ limit: '2', cursor: page.nextCursor }));
    expect(second).toEqual({ items: ['c'], nextCursor: null });
    expect(wishlists.pages).toEqual([{ limit: 2 }, { limit: 2, after: 'b' }]);
  });

  it('refuses a cursor that is garbage or belongs to another listing', async () => {
    const { wishlists, list } = setup();
    for (const cursor of ['garbage', cursorBefore('01ORDER')!]) {
      const result = await list({ cursor });
      expect(result.statusCode).toBe(400);
      expect(parseBody(result).error.details[0].path).toBe('cursor');
    }
    expect(wishlists.pages).toHaveLength(0);
  });
});

describe('PUT and DELETE /me/wishlist/{productId}', () => {
  it('adds a catalog product and removes it', async () => {
    const { wishlists, call } = setup();
    const added = await call('PUT', 'p1');
    expect(added.statusCode).toBe(200);
    expect(parseBody(added)).toEqual({ productId: 'p1', onWishlist: true });
    expect([...wishlists.entries.get('user-1')!]).toEqual(['p1']);

    const removed = await call('DELETE', 'p1');
    expect(parseBody(removed)).toEqual({ productId: 'p1', onWishlist: false });
    expect(wishlists.entries.get('user-1')!.size).toBe(0);
  });

  it('answers 404 for a product the catalog does not have', async () => {
    const { wishlists, call } = setup();
    const result = await call('PUT', 'ghost');
    expect(result.statusCode).toBe(404);
    expect(wishlists.entries.get('user-1')).toBeUndefined();
  });
});
