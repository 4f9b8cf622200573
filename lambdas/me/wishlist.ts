import { NotFoundError } from '../domain/errors.ts';
import { afterFromCursor, cursorAfter } from '../domain/pagination-ascending.ts';
import { pageQuerySchema } from '../domain/schemas.ts';
import { caller, type HttpEvent, pathId, query } from '../http/request.ts';
import { json } from '../http/respond.ts';
import type { WishlistStore } from '../ports/wishlists.ts';
import { changeWishlist, type ChangeWishlistPorts } from './change-wishlist.ts';

export type WishlistRoutePorts = ChangeWishlistPorts & { wishlists: WishlistStore };

/** Cursors name their listing, so one from another list is refused rather than misread. */
const SCOPE = 'wishlist';

/** GET /me/wishlist: AP8, a page of the caller's wished-for product ids. */
export async function getWishlist(event: HttpEvent, ports: WishlistRoutePorts) {
  const who = caller(event);
  const page = query(event, pageQuerySchema);
  const after = afterFromCursor(page.cursor, SCOPE);
  const result = await ports.wishlists.wishlistPage(who.userId, { limit: page.limit, ...(after ? { after } : {}) });
  return json(200, { items: result.productIds, nextCursor: cursorAfter(result.after, SCOPE) });
}

async function change(event: HttpEvent, onWishlist: boolean, ports: WishlistRoutePorts) {
  const who = caller(event);
  const changed = await changeWishlist({ userId: who.userId, productId: pathId(event, 'productId'), onWishlist }, ports);
  if (changed.outcome === 'unknown-product') throw new NotFoundError('No such product');
  return json(200, { productId: changed.productId, onWishlist: changed.onWishlist });
}

/** PUT /me/wishlist/{productId}: idempotent; only catalog products can be wished for. */
export async function putWishlistItem(event: HttpEvent, ports: WishlistRoutePorts) {
  return change(event, true, ports);
}

/** DELETE /me/wishlist/{productId}: idempotent. */
export async function deleteWishlistItem(event: HttpEvent, ports: WishlistRoutePorts) {
  return change(event, false, ports);
}
