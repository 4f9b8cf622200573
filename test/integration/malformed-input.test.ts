import { describe, expect, it } from 'vitest';
import { call, tokenFor, unique } from './client.ts';
import { admin, customer, placeOrder, stockedProduct, today } from './fixtures.ts';

/**
 * SPEC §2/§4: what a client sends never reaches DynamoDB's or SQS's limits, never causes a 5xx, and a
 * refused request writes nothing. The cases are those found trying the API as a user (issue 6) and
 * by the property test of the validators.
 */
const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });

describe('malformed input', () => {
  it('POST /orders: a payment token SQS could not carry, or any other shape, is 400 and records nothing', async () => {
    const productId = await stockedProduct(100, { w1: 5 });
    const { token } = await customer();
    for (const paymentToken of ['tok_\uFFFF', 'tok_\uD800', 'tok ok', 'x', 't'.repeat(129)]) {
      const key = unique('idem-bad');
      const reply = await placeOrder(token, [{ productId, quantity: 1 }], paymentToken, key);
      expect(reply.status, paymentToken).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_FAILED');
      // Nothing was recorded under the key: the same key with a valid body is a new order.
      expect((await placeOrder(token, [{ productId, quantity: 1 }], 'tok_ok', key)).status).toBe(202);
    }
  });

  it('PUT /me: preferences nested 40 levels, with an empty key, or too large are 400', async () => {
    const userId = unique('u');
    const token = await tokenFor(userId, { email: `${userId}@example.com` });
    for (const preferences of [nested(40), nested(9), { '': 1 }, { ['k'.repeat(65)]: 1 }, { big: 'x'.repeat(17 * 1024) }]) {
      const reply = await call('PUT', '/me', { token, body: { email: `${userId}@example.com`, preferences } });
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await call('GET', '/me', { token })).status).toBe(404);
    const ok = await call('PUT', '/me', { token, body: { email: `${userId}@example.com`, preferences: nested(7) } });
    expect(ok.status).toBe(200);
  });

  it('PUT /products/{id}: attributes nested 40 levels or with an empty key are 400 and write nothing', async () => {
    const productId = unique('p');
    const token = await admin();
    for (const attributes of [nested(40), { '': 1 }, { ok: { '': 'nested empty key' } }]) {
      const reply = await call('PUT', `/products/${productId}`, { token, body: { name: 'Deep', priceCents: 100, attributes } });
      expect(reply.status).toBe(400);
      expect(reply.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: expect.stringMatching(/^attributes/) }] });
    }
    expect((await call('GET', `/products/${productId}`)).status).toBe(404);
  });

  it('a lone surrogate or a control character anywhere in a body is 400', async () => {
    const userId = unique('u');
    const token = await tokenFor(userId, { email: `${userId}@example.com` });
    for (const rawBody of [`{"email":"${userId}@example.com","name":"Ada \\ud800"}`, `{"email":"${userId}@example.com","name":"bell\\u0007"}`, `{"email":"${userId}@example.com","preferences":{"\\udfff":1}}`]) {
      const reply = await call('PUT', '/me', { token, rawBody, headers: { 'content-type': 'application/json' } });
      expect(reply.status, rawBody).toBe(400);
    }
  });
});

describe('one clock per order', () => {
  it('lists concurrent orders of a day newest first by id and by createdAt alike', async () => {
    const productId = await stockedProduct(100, { w1: 100 });
    const { token } = await customer();
    const placed = await Promise.all(Array.from({ length: 16 }, () => placeOrder(token, [{ productId, quantity: 1 }])));
    expect(placed.every((reply) => reply.status === 202)).toBe(true);
    const reply = await call('GET', `/admin/orders?date=${today()}&limit=100`, { token: await admin() });
    expect(reply.status).toBe(200);
    const items = reply.body.items as Array<{ orderId: string; createdAt: string }>;
    for (let i = 1; i < items.length; i++) {
      expect(items[i - 1]!.orderId > items[i]!.orderId).toBe(true);
      expect(items[i - 1]!.createdAt >= items[i]!.createdAt, `${items[i - 1]!.orderId} before ${items[i]!.orderId}`).toBe(true);
    }
  });
});
