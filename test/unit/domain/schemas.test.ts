import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/domain/errors.ts';
import {
  adminOrdersQuerySchema,
  idempotencyKeySchema,
  idSchema,
  metricRollupsQuerySchema,
  pageQuerySchema,
  placeOrderSchema,
  postEventsSchema,
  putCartItemSchema,
  putInventorySchema,
  putMeSchema,
  putProductSchema,
  putPromotionSchema,
} from '../../../lambdas/domain/schemas.ts';
import { validate } from '../../../lambdas/http/request.ts';
import { settlementMessageSchema } from '../../../lambdas/ports/settlement-message.ts';

/**
 * What a client is told about a request the schemas refuse (SPEC §4): the `details` of the 400,
 * zod's English messages and ours, word for word. This file loads the schemas alone, as a
 * function's bundle does: the English must not depend on another module having set zod's locale.
 */
function detailsOf(schema: Parameters<typeof validate>[0], value: unknown, where: string) {
  try {
    validate(schema, value, where);
  } catch (error) {
    if (error instanceof ValidationError) return { message: error.message, details: error.details };
    throw error;
  }
  throw new Error('accepted');
}

const deep = (levels: number): Record<string, unknown> => (levels === 0 ? {} : { a: deep(levels - 1) });

describe('what a refused request is told', () => {
  it.each([
    ['a path id', idSchema, 'a/b', 'productId', [{ path: 'productId', message: 'must match ^[A-Za-z0-9_-]{1,64}$' }]],
    ['a missing path id', idSchema, undefined, 'productId', [{ path: 'productId', message: 'Invalid input: expected string, received undefined' }]],
    ['a missing Idempotency-Key', idempotencyKeySchema, undefined, 'Idempotency-Key', [{ path: 'Idempotency-Key', message: 'the Idempotency-Key header is required' }]],
    ['a short Idempotency-Key', idempotencyKeySchema, 'short', 'Idempotency-Key', [{ path: 'Idempotency-Key', message: 'must be 8 to 128 visible ASCII characters' }]],
    ['a limit that is no number', pageQuerySchema, { limit: 'abc' }, 'query', [{ path: 'query.limit', message: 'Invalid input: expected number, received NaN' }]],
    [
      'a limit and cursor too small',
      pageQuerySchema,
      { limit: '0', cursor: '' },
      'query',
      [
        { path: 'query.limit', message: 'Too small: expected number to be >=1' },
        { path: 'query.cursor', message: 'Too small: expected string to have >=1 characters' },
      ],
    ],
    ['a limit too big', pageQuerySchema, { limit: '101' }, 'query', [{ path: 'query.limit', message: 'Too big: expected number to be <=100' }]],
    ['a fractional limit', pageQuerySchema, { limit: '1.5' }, 'query', [{ path: 'query.limit', message: 'Invalid input: expected int, received number' }]],
    [
      'an admin listing’s bad date and status',
      adminOrdersQuerySchema,
      { date: '2025-13-01', status: 'LOST' },
      'query',
      [
        { path: 'query.date', message: 'Invalid ISO date' },
        { path: 'query.status', message: 'Invalid option: expected one of "PENDING"|"CONFIRMED"|"REJECTED"' },
      ],
    ],
    [
      'rollup bounds that are no instants',
      metricRollupsQuerySchema,
      { from: '2025-01-01', to: '2025-01-01T00:00:00' },
      'query',
      [
        { path: 'query.from', message: 'Invalid ISO datetime' },
        { path: 'query.to', message: 'Invalid ISO datetime' },
      ],
    ],
    [
      'a product breaking five rules',
      putProductSchema,
      { name: '   ', priceCents: 1.5, currency: 'usd', categories: ['a', 'a'], extra: 1 },
      'body',
      [
        { path: 'name', message: 'Too small: expected string to have >=1 characters' },
        { path: 'priceCents', message: 'Invalid input: expected int, received number' },
        { path: 'currency', message: 'must be an ISO 4217 code such as USD' },
        { path: 'categories', message: 'categories must be distinct' },
        { path: '', message: 'Unrecognized key: "extra"' },
      ],
    ],
    [
      'a product too long, too cheap, too deep',
      putProductSchema,
      { name: 'n', priceCents: -1, description: 'd'.repeat(4001), attributes: deep(8) },
      'body',
      [
        { path: 'description', message: 'Too big: expected string to have <=4000 characters' },
        { path: 'priceCents', message: 'Too small: expected number to be >=0' },
        { path: 'attributes.a.a.a.a.a.a.a.a', message: 'nests deeper than 8 levels' },
      ],
    ],
    [
      'a product with too many categories and a long key',
      putProductSchema,
      { name: 'n', priceCents: 1, categories: Array.from({ length: 11 }, (_, i) => `c${i}`), attributes: { ['k'.repeat(65)]: 1 } },
      'body',
      [
        { path: 'categories', message: 'Too big: expected array to have <=10 items' },
        { path: `attributes.${'k'.repeat(65)}`, message: 'keys must be 1 to 64 characters' },
      ],
    ],
    ['a body that is no object', putProductSchema, 'x', 'body', [{ path: '', message: 'Invalid input: expected object, received string' }]],
    ['too much stock', putInventorySchema, { available: 1_000_000_001 }, 'body', [{ path: 'available', message: 'Too big: expected number to be <=1000000000' }]],
    [
      'a profile’s bad email and phone',
      putMeSchema,
      { email: 'not-an-email', phone: 'call me' },
      'body',
      [
        { path: 'email', message: 'Invalid email address' },
        { path: 'phone', message: 'must be a phone number' },
      ],
    ],
    ['a profile with both name forms', putMeSchema, { email: 'a@example.com', name: 'A B', givenName: 'A' }, 'body', [{ path: 'name', message: 'send either name or givenName/familyName, not both' }]],
    [
      'an order with neither lines nor cart',
      placeOrderSchema,
      { paymentToken: 'x' },
      'body',
      [
        { path: 'paymentToken', message: 'must match ^[A-Za-z0-9_-]{3,128}$' },
        { path: 'items', message: 'send either items or fromCart: true' },
      ],
    ],
    [
      'an order’s bad lines',
      placeOrderSchema,
      { items: [{ productId: 'p', quantity: 100 }, { productId: 'p', quantity: 0 }], paymentToken: 'tok_1' },
      'body',
      [
        { path: 'items.0.quantity', message: 'Too big: expected number to be <=99' },
        { path: 'items.1.quantity', message: 'Too small: expected number to be >=1' },
        { path: 'items', message: 'productIds must be distinct' },
      ],
    ],
    [
      'an order with no lines and fromCart false',
      placeOrderSchema,
      { items: [], fromCart: false, paymentToken: 'tok_1' },
      'body',
      [
        { path: 'items', message: 'Too small: expected array to have >=1 items' },
        { path: 'fromCart', message: 'Invalid input: expected true' },
      ],
    ],
    ['a quantity sent as text', putCartItemSchema, { quantity: '1' }, 'body', [{ path: 'quantity', message: 'Invalid input: expected number, received string' }]],
    [
      'a promotion with both terms and a bad expiry',
      putPromotionSchema,
      { percentOff: 10, amountOffCents: 5, validUntil: 'tomorrow' },
      'body',
      [
        { path: 'validUntil', message: 'Invalid ISO datetime' },
        { path: 'percentOff', message: 'send exactly one of percentOff and amountOffCents' },
      ],
    ],
    [
      'metric events with a value DynamoDB cannot sum and a local time',
      postEventsSchema,
      { events: [{ name: 'e', value: 1e-200 }, { name: 'e', at: '2025-01-01T00:00:00' }] },
      'body',
      [
        { path: 'events.0.value', message: 'must have at most 15 integer digits and 6 decimals' },
        { path: 'events.1.at', message: 'Invalid ISO datetime' },
      ],
    ],
    ['no metric events', postEventsSchema, { events: [] }, 'body', [{ path: 'events', message: 'Too small: expected array to have >=1 items' }]],
  ] as const)('%s', (_, schema, value, where, details) => {
    expect(detailsOf(schema, value, where)).toEqual({ message: `Invalid ${where}`, details });
  });
});

describe('what an accepted request becomes', () => {
  it('a page query: the limit from text, 20 by default', () => {
    expect(validate(pageQuerySchema, {}, 'query')).toEqual({ limit: 20 });
    expect(validate(pageQuerySchema, { limit: '5', cursor: 'c' }, 'query')).toEqual({ limit: 5, cursor: 'c' });
  });

  it('a product: its name trimmed', () => {
    expect(validate(putProductSchema, { name: '  Lamp ', priceCents: 100 }, 'body')).toEqual({ name: 'Lamp', priceCents: 100 });
  });

  it('a metric event: value 1 unless sent', () => {
    expect(validate(postEventsSchema, { events: [{ name: 'e' }, { name: 'f', value: 2.5 }] }, 'body')).toEqual({ events: [{ name: 'e', value: 1 }, { name: 'f', value: 2.5 }] });
  });
});

describe('the settlement message', () => {
  const order = { userId: 'u', items: [{ productId: 'p', quantity: 1 }], paymentToken: 't', eventSeq: 0, createdAt: '2025-01-01T00:00:00.000Z' };

  it('keeps a copy of the order that parses', () => {
    expect(settlementMessageSchema.parse({ orderId: 'o', order })).toEqual({ orderId: 'o', order });
  });

  it('drops a copy that does not parse, never the message', () => {
    expect(settlementMessageSchema.parse({ orderId: 'o', order: { ...order, items: [] } })).toEqual({ orderId: 'o' });
    expect(settlementMessageSchema.parse({ orderId: 'o', order: 'x' })).toEqual({ orderId: 'o' });
  });

  it('refuses a message without its order id', () => {
    const parsed = settlementMessageSchema.safeParse({ order });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map(({ path, message }) => ({ path, message }))).toEqual([{ path: ['orderId'], message: 'Invalid input: expected string, received undefined' }]);
  });
});
