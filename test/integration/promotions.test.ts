import { describe, expect, it } from 'vitest';
import { call, idle, unique } from './client.ts';
import { admin, customer, stockedProduct, stockOf } from './fixtures.ts';
import { commands, inProcess } from './in-process.ts';

const putPromotion = async (code: string, body: unknown) => call('PUT', `/promotions/${code}`, { token: await admin(), body });
const orderWithCode = (token: string, items: Array<{ productId: string; quantity: number }>, promotionCode: string) =>
  call('POST', '/orders', { token, headers: { 'idempotency-key': unique('idem') }, body: { items, promotionCode, paymentToken: 'tok_ok' } });
const settled = async (token: string, orderId: string) => (await call('GET', `/orders/${orderId}`, { token })).body;
/** PUT with the same terms answers the stored promotion, redemptions included. */
const redemptionsOf = async (code: string, terms: unknown) => (await putPromotion(code, terms)).body.redemptions;

describe('promotions (AP15)', () => {
  it('creates a code and replaces its terms, validating them; only admins may', async () => {
    const code = unique('CODE');
    const created = await putPromotion(code, { percentOff: 10, validUntil: '2099-01-01T01:00:00+01:00', maxRedemptions: 5 });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ code, percentOff: 10, validUntil: '2099-01-01T00:00:00.000Z', maxRedemptions: 5, redemptions: 0, updatedAt: expect.any(String) });
    const replaced = await putPromotion(code, { amountOffCents: 250 });
    expect(replaced.body).toEqual({ code, amountOffCents: 250, redemptions: 0, updatedAt: expect.any(String) });

    for (const body of [{}, { percentOff: 10, amountOffCents: 5 }, { percentOff: 0 }, { percentOff: 101 }, { amountOffCents: 5, validUntil: 'tomorrow' }]) {
      const reply = await putPromotion(code, body);
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_FAILED');
    }
    const { token } = await customer();
    expect((await call('PUT', `/promotions/${code}`, { token, body: { percentOff: 99 } })).status).toBe(403);
    expect((await putPromotion(code, { amountOffCents: 250 })).body.amountOffCents).toBe(250);
  });

  it('takes a percentage or an amount off, charges the total and counts redemptions across updates', async () => {
    const productId = await stockedProduct(999, { w1: 20 });
    const percent = unique('PCT');
    const amount = unique('AMT');
    await putPromotion(percent, { percentOff: 10, maxRedemptions: 10 });
    await putPromotion(amount, { amountOffCents: 500 });
    const { token } = await customer();

    const a = await orderWithCode(token, [{ productId, quantity: 2 }], percent);
    const b = await orderWithCode(token, [{ productId, quantity: 1 }], amount);
    await idle();
    expect(await settled(token, a.body.orderId)).toMatchObject({ status: 'CONFIRMED', promotionCode: percent, subtotalCents: 1998, discountCents: 199, totalCents: 1799 });
    expect(await settled(token, b.body.orderId)).toMatchObject({ status: 'CONFIRMED', promotionCode: amount, subtotalCents: 999, discountCents: 500, totalCents: 499 });
    const events = (await call('GET', `/orders/${a.body.orderId}/events`, { token })).body.items;
    expect(events.find((e: { type: string }) => e.type === 'OrderConfirmed').data.payment.amountCents).toBe(1799);
    expect((await call('GET', '/me', { token })).body.stats).toEqual({ orderCount: 2, lifetimeValueCents: 1799 + 499 });

    // Changing the terms keeps the count the settlements made.
    expect(await redemptionsOf(percent, { percentOff: 20, maxRedemptions: 10 })).toBe(1);
    expect(await redemptionsOf(amount, { amountOffCents: 500 })).toBe(1);
  });

  it('rejects unknown, expired and exhausted codes INVALID_PROMOTION without taking stock', async () => {
    const productId = await stockedProduct(100, { w1: 10 });
    const expired = unique('OLD');
    const exhausted = unique('USED');
    await putPromotion(expired, { percentOff: 50, validUntil: '2020-01-01T00:00:00Z' });
    await putPromotion(exhausted, { percentOff: 50, maxRedemptions: 1 });
    const { token } = await customer();

    const first = await orderWithCode(token, [{ productId, quantity: 1 }], exhausted);
    await idle();
    expect((await settled(token, first.body.orderId)).status).toBe('CONFIRMED');
    const rejected = await Promise.all([unique('NOPE'), expired, exhausted].map((code) => orderWithCode(token, [{ productId, quantity: 1 }], code)));
    await idle();
    for (const reply of rejected) {
      expect(await settled(token, reply.body.orderId)).toMatchObject({ status: 'REJECTED', rejectionReason: 'INVALID_PROMOTION' });
    }
    expect(await stockOf(productId)).toBe(9);
    expect(await redemptionsOf(exhausted, { percentOff: 50, maxRedemptions: 1 })).toBe(1);
  });

  it('never redeems past maxRedemptions: 10 concurrent orders for a code of 3 confirm exactly 3', async () => {
    const productId = await stockedProduct(1000, { w1: 50 });
    const code = unique('RUSH');
    await putPromotion(code, { percentOff: 25, maxRedemptions: 3 });
    const buyers = await Promise.all(Array.from({ length: 10 }, () => customer()));
    const placed = await Promise.all(buyers.map(({ token }) => orderWithCode(token, [{ productId, quantity: 1 }], code)));
    expect(placed.every((reply) => reply.status === 202)).toBe(true);
    await idle(120_000);

    const orders = await Promise.all(placed.map((reply, i) => settled(buyers[i]!.token, reply.body.orderId)));
    const confirmed = orders.filter((order) => order.status === 'CONFIRMED');
    expect(confirmed).toHaveLength(3);
    expect(confirmed.every((order) => order.discountCents === 250 && order.totalCents === 750)).toBe(true);
    expect(orders.filter((order) => order.status === 'REJECTED').every((order) => order.rejectionReason === 'INVALID_PROMOTION')).toBe(true);
    expect(await redemptionsOf(code, { percentOff: 25, maxRedemptions: 3 })).toBe(3);
    expect(await stockOf(productId)).toBe(47);
  });

  it('AP15 get promotion: one GetItem', async () => {
    const harness = await inProcess();
    const code = unique('AP15');
    await putPromotion(code, { amountOffCents: 100, maxRedemptions: 2 });
    const { getPromotion } = await import('../../lambdas/adapters/promotion-store.ts');
    const { result, requests } = await harness.count(() => getPromotion(code, { consistent: true }));
    expect(result).toMatchObject({ code, amountOffCents: 100, maxRedemptions: 2, redemptions: 0 });
    expect(commands(requests)).toEqual(['GetItemCommand']);
  });
});
