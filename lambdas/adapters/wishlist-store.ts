import { ascendingPage } from '../domain/pagination-ascending.ts';
import { WishlistItem } from '../model/wishlist-item.ts';
import type { WishlistStore } from '../ports/wishlists.ts';

/**
 * AP8: a page of the user's wishlist in product id order — one Query on the user's partition,
 * of one item more than the page to know whether another follows. `after` continues past the
 * previous page's last product id.
 */
export async function listWishlist(
  userId: string,
  options: { limit: number; after?: string },
): Promise<{ productIds: string[]; after: string | null }> {
  const index = WishlistItem.query.byUser({ userId });
  const query = options.after ? index.gt({ productId: options.after }) : index;
  const { data } = await query.go({ limit: options.limit + 1 });
  const page = ascendingPage(data, options.limit, (item) => item.productId);
  return { productIds: page.items.map((item) => item.productId), after: page.after };
}

/** Idempotent: adding a product twice leaves one entry. */
export async function addToWishlist(userId: string, productId: string, now: string): Promise<void> {
  await WishlistItem.put({ userId, productId, addedAt: now }).go();
}

/** Idempotent: removing an absent product is not an error. */
export async function removeFromWishlist(userId: string, productId: string): Promise<void> {
  await WishlistItem.delete({ userId, productId }).go();
}

export const wishlistStore: WishlistStore = { wishlistPage: listWishlist, addToWishlist, removeFromWishlist };
