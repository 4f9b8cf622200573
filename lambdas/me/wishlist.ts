import { getProduct } from '../adapters/catalog-store.ts';
import { addToWishlist, listWishlist, removeFromWishlist } from '../adapters/wishlist-store.ts';
import { NotFoundError } from '../domain/errors.ts';
import { afterFromCursor, cursorAfter } from '../domain/pagination-ascending.ts';
import { pageQuerySchema } from '../domain/schemas.ts';
import { caller, type HttpEvent, pathId, query } from '../http/request.ts';
import { json } from '../http/respond.ts';

/** Cursors name their listing, so one from another list is refused rather than misread. */
const SCOPE = 'wishlist';

/** GET /me/wishlist: AP8, a page of the caller's wished-for product ids. */
export async function getWishlist(event: HttpEvent) {
  const who = caller(event);
  const page = query(event, pageQuerySchema);
  const after = afterFromCursor(page.cursor, SCOPE);
  const result = await listWishlist(who.userId, { limit: page.limit, ...(after ? { after } : {}) });
  return json(200, { items: result.productIds, nextCursor: cursorAfter(result.after, SCOPE) });
}

/** PUT /me/wishlist/{productId}: idempotent; only catalog products can be wished for. */
export async function putWishlistItem(event: HttpEvent) {
  const who = caller(event);
  const productId = pathId(event, 'productId');
  if (!(await getProduct(productId))) throw new NotFoundError('No such product');
  await addToWishlist(who.userId, productId, new Date().toISOString());
  return json(200, { productId, onWishlist: true });
}

/** DELETE /me/wishlist/{productId}: idempotent. */
export async function deleteWishlistItem(event: HttpEvent) {
  const who = caller(event);
  const productId = pathId(event, 'productId');
  await removeFromWishlist(who.userId, productId);
  return json(200, { productId, onWishlist: false });
}
