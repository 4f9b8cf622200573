import { cartStore } from '../adapters/cart-store.ts';
import { catalogStore } from '../adapters/catalog-store.ts';
import { userStore } from '../adapters/user-store.ts';
import { wishlistStore } from '../adapters/wishlist-store.ts';
import { config } from '../config.ts';
import { apiHandler } from '../http/api-handler.ts';
import type { HttpEvent } from '../http/request.ts';
import { deleteCartItem, getCart, putCartItem } from './cart.ts';
import type { ChangeCartPorts } from './change-cart.ts';
import { getMyOrders } from './order-history.ts';
import { getMe, type ProfileRoutePorts, putMe } from './profile.ts';
import { deleteWishlistItem, getWishlist, putWishlistItem, type WishlistRoutePorts } from './wishlist.ts';

const now = () => new Date();
const isoNow = () => new Date().toISOString();
// Cart and wishlist changes check the table, not a cache: a product created a moment ago can be added.
const carts: ChangeCartPorts = { carts: cartStore, catalog: catalogStore, cartTtlSeconds: config.cartTtlSeconds, now };
const profiles: ProfileRoutePorts = { users: userStore, now: isoNow };
const wishlists: WishlistRoutePorts = { wishlists: wishlistStore, catalog: catalogStore, now: isoNow };

/** The caller's own resources. */
export const handler = apiHandler({
  'PUT /me': (event: HttpEvent) => putMe(event, profiles),
  'GET /me': (event: HttpEvent) => getMe(event, profiles),
  'GET /me/orders': getMyOrders,
  'GET /me/cart': (event: HttpEvent) => getCart(event, carts),
  'PUT /me/cart/items/{productId}': (event: HttpEvent) => putCartItem(event, carts),
  'DELETE /me/cart/items/{productId}': (event: HttpEvent) => deleteCartItem(event, carts),
  'GET /me/wishlist': (event: HttpEvent) => getWishlist(event, wishlists),
  'PUT /me/wishlist/{productId}': (event: HttpEvent) => putWishlistItem(event, wishlists),
  'DELETE /me/wishlist/{productId}': (event: HttpEvent) => deleteWishlistItem(event, wishlists),
});
