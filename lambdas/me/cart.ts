import { cartView } from '../domain/cart.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { putCartItemSchema } from '../domain/schemas.ts';
import { caller, type HttpEvent, jsonBody, pathId } from '../http/request.ts';
import { json } from '../http/respond.ts';
import { changeCart, type ChangeCartOutcome, type ChangeCartPorts } from './change-cart.ts';

function answer(changed: ChangeCartOutcome) {
  if (changed.outcome === 'unknown-product') throw new NotFoundError('No such product');
  if (changed.outcome === 'contended') throw new ConflictError('The cart kept changing concurrently; retry the request');
  return json(200, cartView(changed.lines));
}

/** GET /me/cart: AP7, the caller's unexpired lines. */
export async function getCart(event: HttpEvent, ports: ChangeCartPorts) {
  const who = caller(event);
  return json(200, cartView(await ports.carts.liveLines(who.userId, ports.now())));
}

/** PUT /me/cart/items/{productId}: sets a line's quantity (0 removes it). Only catalog products can be added. */
export async function putCartItem(event: HttpEvent, ports: ChangeCartPorts) {
  const who = caller(event);
  const productId = pathId(event, 'productId');
  const { quantity } = jsonBody(event, putCartItemSchema);
  return answer(await changeCart({ userId: who.userId, productId, quantity }, ports));
}

/** DELETE /me/cart/items/{productId}: removes the line if there is one; the rest of the cart lives on. */
export async function deleteCartItem(event: HttpEvent, ports: ChangeCartPorts) {
  const who = caller(event);
  const productId = pathId(event, 'productId');
  return answer(await changeCart({ userId: who.userId, productId, quantity: 0 }, ports));
}
