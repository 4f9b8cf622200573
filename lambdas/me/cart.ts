import { getCartLines, writeCartChange } from '../adapters/cart-store.ts';
import { getProduct } from '../adapters/catalog-store.ts';
import { config } from '../config.ts';
import { type CartChange, type CartLine, cartView, planCartChange } from '../domain/cart.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { putCartItemSchema } from '../domain/schemas.ts';
import { caller, type HttpEvent, jsonBody, pathId } from '../http/request.ts';
import { json } from '../http/respond.ts';

/** Concurrent changes of one cart are rare (one customer); a few re-plans settle them. */
const MAX_RACES = 3;

/**
 * Reads the live cart, plans the change (new expiry for every line) and writes it in one
 * transaction. A concurrent change of the same cart cancels the write: plan again from a fresh read.
 */
async function changeCart(userId: string, change: CartChange): Promise<CartLine[]> {
  for (let race = 0; race < MAX_RACES; race++) {
    const now = new Date();
    const plan = planCartChange(await getCartLines(userId, now), change, now, config.cartTtlSeconds);
    if ((await writeCartChange(userId, plan)) === 'written') return plan.lines;
  }
  throw new ConflictError('The cart kept changing concurrently; retry the request');
}

/** GET /me/cart: AP7, the caller's unexpired lines. */
export async function getCart(event: HttpEvent) {
  const who = caller(event);
  return json(200, cartView(await getCartLines(who.userId, new Date())));
}

/** PUT /me/cart/items/{productId}: sets a line's quantity (0 removes it). Only catalog products can be added. */
export async function putCartItem(event: HttpEvent) {
  const who = caller(event);
  const productId = pathId(event, 'productId');
  const { quantity } = jsonBody(event, putCartItemSchema);
  if (quantity > 0 && !(await getProduct(productId))) throw new NotFoundError('No such product');
  return json(200, cartView(await changeCart(who.userId, { productId, quantity })));
}

/** DELETE /me/cart/items/{productId}: removes the line if there is one; the rest of the cart lives on. */
export async function deleteCartItem(event: HttpEvent) {
  const who = caller(event);
  const productId = pathId(event, 'productId');
  return json(200, cartView(await changeCart(who.userId, { productId, quantity: 0 })));
}
