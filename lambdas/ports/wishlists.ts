/** What the wishlist's use cases need of the store; implemented by adapters/wishlist-store.ts. */

/** AP8: a page of the user's wished-for product ids in id order; `after` continues past the last one. */
export interface WishlistPages {
  wishlistPage(userId: string, page: { limit: number; after?: string }): Promise<{ productIds: string[]; after: string | null }>;
}

/** Both idempotent: adding twice leaves one entry, removing an absent one is not an error. */
export interface WishlistChanges {
  addToWishlist(userId: string, productId: string, now: string): Promise<void>;
  removeFromWishlist(userId: string, productId: string): Promise<void>;
}

export type WishlistStore = WishlistPages & WishlistChanges;
