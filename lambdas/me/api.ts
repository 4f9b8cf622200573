import { apiHandler } from '../http/api-handler.ts';
import { deleteCartItem, getCart, putCartItem } from './cart.ts';
import { getMyOrders } from './order-history.ts';
import { getMe, putMe } from './profile.ts';
import { deleteWishlistItem, getWishlist, putWishlistItem } from './wishlist.ts';

/** The caller's own resources. */
export const handler = apiHandler({
  'PUT /me': putMe,
  'GET /me': getMe,
  'GET /me/orders': getMyOrders,
  'GET /me/cart': getCart,
  'PUT /me/cart/items/{productId}': putCartItem,
  'DELETE /me/cart/items/{productId}': deleteCartItem,
  'GET /me/wishlist': getWishlist,
  'PUT /me/wishlist/{productId}': putWishlistItem,
  'DELETE /me/wishlist/{productId}': deleteWishlistItem,
});
