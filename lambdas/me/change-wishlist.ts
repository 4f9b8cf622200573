import type { ProductLookup } from '../ports/catalog.ts';
import type { WishlistChanges } from '../ports/wishlists.ts';

export interface ChangeWishlistRequest {
  userId: string;
  productId: string;
  onWishlist: boolean;
}

export interface ChangeWishlistPorts {
  wishlists: WishlistChanges;
  catalog: ProductLookup;
  now: () => string;
}

export type ChangeWishlistOutcome = { outcome: 'changed'; productId: string; onWishlist: boolean } | { outcome: 'unknown-product' };

/** Puts a product on the wishlist or takes it off, idempotently; only catalog products can be wished for. */
export async function changeWishlist(request: ChangeWishlistRequest, ports: ChangeWishlistPorts): Promise<ChangeWishlistOutcome> {
  const { userId, productId, onWishlist } = request;
  if (onWishlist) {
    if (!(await ports.catalog.product(productId))) return { outcome: 'unknown-product' };
    await ports.wishlists.addToWishlist(userId, productId, ports.now());
  } else {
    await ports.wishlists.removeFromWishlist(userId, productId);
  }
  return { outcome: 'changed', productId, onWishlist };
}
