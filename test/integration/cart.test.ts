import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, idle, info, queueUrl, unique } from './client.ts';
import { customer, stockedProduct, stockOf } from './fixtures.ts';
import { commands, inProcess } from './in-process.ts';

const WEEK_SECONDS = 7 * 86_400; // the template's CART_TTL_SECONDS
type Cart = { items: Array<{ productId: string; quantity: number; addedAt: string }>; expiresAt: string | null };

const setLine = (token: string, productId: string, quantity: number) => call<Cart>('PUT', `/me/cart/items/${productId}`, { token, body: { quantity } });
const cartOf = async (token: string) => (await call<Cart>('GET', '/me/cart', { token })).body;
const lines = (cart: Cart) => cart.items.map((item) => [item.productId, item.quantity]);
const orderFromCart = (token: string, options: { paymentToken?: string; key?: string } = {}) =>
  call('POST', '/orders', { token, headers: { 'idempotency-key': options.key ?? unique('idem') }, body: { fromCart: true, paymentToken: options.paymentToken ?? 'tok_ok' } });

describe('the cart (AP7)', () => {
  it('adds, changes and removes lines, moving the whole cart’s expiry with every change', async () => {
    const [p1, p2] = [await stockedProduct(500, {}), await stockedProduct(300, {})].sort();
    const { token } = await customer();
    expect(await cartOf(token)).toEqual({ items: [], expiresAt: null });

    const before = Date.now();
    const first = await setLine(token, p1!, 2);
    expect(first.status).toBe(200);
    expect(lines(first.body)).toEqual([[p1, 2]]);
    const expiry = Date.parse(first.body.expiresAt!);
    expect(expiry).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + WEEK_SECONDS * 1000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + WEEK_SECONDS * 1000);
    const addedAt = first.body.items[0]!.addedAt;

    expect(lines((await setLine(token, p2!, 1)).body)).toEqual([[p1, 2], [p2, 1]]);
    const changed = await setLine(token, p1!, 5);
    expect(lines(changed.body)).toEqual([[p1, 5], [p2, 1]]);
    expect(changed.body.items[0]!.addedAt).toBe(addedAt);
    expect(Date.parse(changed.body.expiresAt!)).toBeGreaterThanOrEqual(expiry);
    expect(await cartOf(token)).toEqual(changed.body);

    const removed = await call<Cart>('DELETE', `/me/cart/items/${p2}`, { token });
    expect(removed.status).toBe(200);
    expect(lines(removed.body)).toEqual([[p1, 5]]);
    expect((await setLine(token, p1!, 0)).body).toEqual({ items: [], expiresAt: null });
    expect(await cartOf(token)).toEqual({ items: [], expiresAt: null });
  });

  it('answers 404 for an unknown product and 400 for bad input, changing nothing', async () => {
    const productId = await stockedProduct(100, {});
    const { token } = await customer();
    await setLine(token, productId, 1);
    const ghost = await call('PUT', `/me/cart/items/${unique('ghost')}`, { token, body: { quantity: 1 } });
    expect(ghost.status).toBe(404);
    expect(ghost.body.error.code).toBe('NOT_FOUND');
    for (const body of [{ quantity: 100 }, { quantity: -1 }, { quantity: 'two' }]) {
      expect((await call('PUT', `/me/cart/items/${productId}`, { token, body })).status).toBe(400);
    }
    expect((await call('PUT', '/me/cart/items/bad%20id', { token, body: { quantity: 1 } })).status).toBe(400);
    expect(lines(await cartOf(token))).toEqual([[productId, 1]]);
    expect((await call('GET', '/me/cart')).status).toBe(401);
  });

  it('AP7 get cart: one Query, which never serves a line past its TTL even before it is deleted', async () => {
    const harness = await inProcess();
    const productId = await stockedProduct(100, {});
    const { userId, token } = await customer();
    await setLine(token, productId, 3);
    // An expired line DynamoDB has not deleted yet; over five years old, so no sweeper ever will.
    const { CartItem } = await import('../../lambdas/model/cart-item.ts');
    const staleTtl = Math.floor(Date.now() / 1000) - 6 * 366 * 86_400;
    await CartItem.put({ userId, productId: 'stale', quantity: 1, addedAt: '2020-01-01T00:00:00.000Z', ttl: staleTtl }).go();

    const { getCartLines } = await import('../../lambdas/adapters/cart-store.ts');
    const { result, requests } = await harness.count(() => getCartLines(userId, new Date()));
    expect(result.map((line) => [line.productId, line.quantity])).toEqual([[productId, 3]]);
    expect(commands(requests)).toEqual(['QueryCommand']);
    expect((await CartItem.get({ userId, productId: 'stale' }).go()).data?.ttl).toBe(staleTtl);
    expect(lines(await cartOf(token))).toEqual([[productId, 3]]);
  });
});

describe('orders from the cart', () => {
  let sqs: SQSClient;
  beforeAll(async () => {
    sqs = new SQSClient({ endpoint: (await info()).sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  });
  afterAll(() => sqs?.destroy());

  it('confirms at catalog prices and empties exactly the ordered lines, also when redelivered', async () => {
    const [p1, p2, p3] = [await stockedProduct(500, { w1: 10 }), await stockedProduct(300, { w1: 10 }), await stockedProduct(100, { w1: 10 })];
    const { token } = await customer();
    await setLine(token, p1, 2);
    await setLine(token, p2, 1);
    const key = unique('idem');
    const placed = await orderFromCart(token, { key });
    expect(placed.status).toBe(202);
    // After placing: one ordered line changes and a new one arrives; both must survive the order.
    await setLine(token, p2, 3);
    await setLine(token, p3, 1);
    await idle();

    const order = await call('GET', `/orders/${placed.body.orderId}`, { token });
    expect(order.body).toMatchObject({
      status: 'CONFIRMED',
      fromCart: true,
      items: expect.arrayContaining([
        { productId: p1, quantity: 2, unitPriceCents: 500 },
        { productId: p2, quantity: 1, unitPriceCents: 300 },
      ]),
      subtotalCents: 1300,
      discountCents: 0,
      totalCents: 1300,
    });
    expect(order.body.items).toHaveLength(2);
    expect(new Map(lines(await cartOf(token)) as Array<[string, number]>)).toEqual(new Map([[p2, 3], [p3, 1]]));
    expect(await stockOf(p1)).toBe(8);
    expect(await stockOf(p2)).toBe(9);

    // The same request again answers the same order, even though the cart has changed since.
    const replay = await orderFromCart(token, { key });
    expect(replay.status).toBe(202);
    expect(replay.body.orderId).toBe(placed.body.orderId);

    // A late redelivery finds the order CONFIRMED and removes only lines that are still the ordered ones.
    await setLine(token, p1, 2);
    await sqs.send(new SendMessageCommand({ QueueUrl: await queueUrl('OrderQueue'), MessageBody: JSON.stringify({ orderId: placed.body.orderId, paymentToken: 'tok_ok' }) }));
    await idle();
    expect(new Map(lines(await cartOf(token)) as Array<[string, number]>)).toEqual(new Map([[p1, 2], [p2, 3], [p3, 1]]));
    expect((await call('GET', `/orders/${placed.body.orderId}/events`, { token })).body.items).toHaveLength(2);
    expect(await stockOf(p1)).toBe(8);
  });

  it('leaves the cart alone when the order is rejected', async () => {
    const productId = await stockedProduct(400, { w1: 5 });
    const { token } = await customer();
    await setLine(token, productId, 2);
    const placed = await orderFromCart(token, { paymentToken: 'tok_decline' });
    await idle();
    expect((await call('GET', `/orders/${placed.body.orderId}`, { token })).body).toMatchObject({ status: 'REJECTED', rejectionReason: 'PAYMENT_DECLINED' });
    expect(lines(await cartOf(token))).toEqual([[productId, 2]]);
    expect(await stockOf(productId)).toBe(5);
  });

  it('refuses to order an empty cart, and a body with both items and fromCart', async () => {
    const productId = await stockedProduct(400, { w1: 5 });
    const { token } = await customer();
    const empty = await orderFromCart(token);
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'fromCart', message: expect.any(String) }] });
    const both = await call('POST', '/orders', { token, headers: { 'idempotency-key': unique('idem') }, body: { fromCart: true, items: [{ productId, quantity: 1 }], paymentToken: 't' } });
    expect(both.status).toBe(400);
    await idle();
    expect((await call('GET', '/me/orders', { token })).body.items).toEqual([]);
  });
});
