import { describe, expect, it } from 'vitest';
import { epochSeconds } from '../../../lambdas/domain/expiry.ts';
import { apiHandler } from '../../../lambdas/http/api-handler.ts';
import type { HttpEvent } from '../../../lambdas/http/request.ts';
import { deleteCartItem, getCart, putCartItem } from '../../../lambdas/me/cart.ts';
import { httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';
import { fakeCarts, fakeCatalog, product } from '../shop-fakes.ts';

const line = (productId: string, quantity: number, ttl: number) => ({ productId, quantity, addedAt: '2026-11-24T09:00:00.000Z', ttl });
const soon = () => epochSeconds(new Date()) + 600;

/** The cart routes over in-memory stores: what the API answers for each outcome of the use case. */
function setup(lines: ReturnType<typeof line>[] = []) {
  const carts = fakeCarts(lines);
  const ports = { carts: carts.store, catalog: fakeCatalog([product('p-new')]).store, cartTtlSeconds: 7 * 86_400, now: () => new Date() };
  const handler = apiHandler({
    'GET /me/cart': (event: HttpEvent) => getCart(event, ports),
    'PUT /me/cart/items/{productId}': (event: HttpEvent) => putCartItem(event, ports),
    'DELETE /me/cart/items/{productId}': (event: HttpEvent) => deleteCartItem(event, ports),
  });
  const put = (productId: string, body: unknown) =>
    handler(httpEvent({ routeKey: 'PUT /me/cart/items/{productId}', pathParameters: { productId }, body }), lambdaContext);
  return { carts: carts.state, handler, put };
}

describe('GET /me/cart', () => {
  it('never shows a line past its TTL; expiresAt is when the first line expires', async () => {
    const ttl = soon();
    const { handler } = setup([line('a', 2, ttl), line('stale', 1, epochSeconds(new Date()) - 1)]);
    const result = await handler(httpEvent({ routeKey: 'GET /me/cart' }), lambdaContext);
    expect(result.statusCode).toBe(200);
    expect(parseBody(result)).toEqual({
      items: [{ productId: 'a', quantity: 2, addedAt: '2026-11-24T09:00:00.000Z' }],
      expiresAt: new Date(ttl * 1000).toISOString(),
    });
  });
});

describe('PUT /me/cart/items/{productId}', () => {
  it('answers the whole cart in productId order, with its new expiry', async () => {
    const { carts, put } = setup([line('a', 2, soon())]);
    const result = await put('p-new', { quantity: 3 });
    expect(result.statusCode).toBe(200);
    const cart = parseBody(result);
    expect(cart.items.map((item: { productId: string; quantity: number }) => [item.productId, item.quantity])).toEqual([['a', 2], ['p-new', 3]]);
    expect(cart.expiresAt).toBe(new Date(carts.writes[0]!.ttl * 1000).toISOString());
  });

  it('answers an empty cart for quantity 0', async () => {
    const result = await setup().put('anything', { quantity: 0 });
    expect(result.statusCode).toBe(200);
    expect(parseBody(result)).toEqual({ items: [], expiresAt: null });
  });

  it('answers 404 for a product the catalog does not have, writing nothing', async () => {
    const { carts, put } = setup();
    const result = await put('ghost', { quantity: 1 });
    expect(result.statusCode).toBe(404);
    expect(parseBody(result).error.code).toBe('NOT_FOUND');
    expect(carts.writes).toHaveLength(0);
  });

  it('refuses a 51st product with 400', async () => {
    const { carts, put } = setup(Array.from({ length: 50 }, (_, i) => line(`p${i}`, 1, soon())));
    const refused = await put('p-new', { quantity: 1 });
    expect(refused.statusCode).toBe(400);
    expect(parseBody(refused).error.code).toBe('VALIDATION_FAILED');
    expect(carts.writes).toHaveLength(0);
  });

  it('answers 409 when the cart keeps changing under every attempt', async () => {
    const { carts, put } = setup();
    carts.contend = 99;
    const result = await put('p-new', { quantity: 1 });
    expect(result.statusCode).toBe(409);
    expect(carts.writes).toHaveLength(3);
  });

  it('refuses bad input with 400', async () => {
    const { carts, put } = setup();
    for (const [productId, body] of [['p', { quantity: 100 }], ['p', { quantity: -1 }], ['p', { quantity: 1.5 }], ['p', {}], ['bad id', { quantity: 1 }], ['p', { quantity: 1, extra: true }]] as const) {
      const result = await put(productId, body);
      expect(result.statusCode).toBe(400);
      expect(parseBody(result).error.code).toBe('VALIDATION_FAILED');
    }
    expect(carts.writes).toHaveLength(0);
  });
});

describe('DELETE /me/cart/items/{productId}', () => {
  it('removes the line and moves the rest of the cart’s expiry', async () => {
    const { carts, handler } = setup([line('a', 1, soon()), line('b', 4, soon())]);
    const result = await handler(httpEvent({ routeKey: 'DELETE /me/cart/items/{productId}', pathParameters: { productId: 'a' } }), lambdaContext);
    expect(result.statusCode).toBe(200);
    expect(parseBody(result).items).toEqual([{ productId: 'b', quantity: 4, addedAt: '2026-11-24T09:00:00.000Z' }]);
    expect(carts.writes[0]!.write).toEqual({ remove: 'a' });
    expect(carts.writes[0]!.touch).toEqual(['b']);
  });
});
