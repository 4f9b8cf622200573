import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { requestHash } from '../../../lambdas/domain/idempotency.ts';
import type { Order } from '../../../lambdas/domain/order-rules.ts';
import type { PlacementOutcome } from '../../../lambdas/ports/orders.ts';
import { httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';

/**
 * The orders API handler: HTTP in, the use case, HTTP out. The adapters are replaced by fakes of
 * their ports; what they write to DynamoDB is tested against DynamoDB Local (test/integration/order-store.test.ts).
 */
const adapters = vi.hoisted(() => ({
  recordPlacedOrder: vi.fn<(...args: unknown[]) => Promise<PlacementOutcome>>(),
  getIdempotencyRecord: vi.fn<(...args: unknown[]) => Promise<unknown>>(),
  getOrder: vi.fn<(...args: unknown[]) => Promise<Order | undefined>>(),
  getOrderEvents: vi.fn<(...args: unknown[]) => Promise<unknown[]>>(),
  getCartLines: vi.fn<(...args: unknown[]) => Promise<Array<{ productId: string; quantity: number; addedAt: string }>>>(),
}));
vi.mock('../../../lambdas/adapters/order-store.ts', () => ({
  recordPlacedOrder: adapters.recordPlacedOrder,
  getIdempotencyRecord: adapters.getIdempotencyRecord,
}));
vi.mock('../../../lambdas/adapters/order-reads.ts', () => ({ getOrder: adapters.getOrder, getOrderEvents: adapters.getOrderEvents }));
vi.mock('../../../lambdas/adapters/cart-store.ts', () => ({ getCartLines: adapters.getCartLines }));

const { handler } = await import('../../../lambdas/orders/api.ts');
const sqs = mockClient(SQSClient);

const body = { items: [{ productId: 'p1', quantity: 2 }], paymentToken: 'tok_ok' };
const place = (overrides: { body?: unknown; key?: string | null } = {}) =>
  handler(
    httpEvent({
      routeKey: 'POST /orders',
      body: overrides.body ?? body,
      headers: overrides.key === null ? {} : { 'idempotency-key': overrides.key ?? 'key-12345678' },
    }),
    lambdaContext,
  );
const recordedOrder = (call = 0) => adapters.recordPlacedOrder.mock.calls[call]![0] as { orderId: string };

beforeEach(() => {
  vi.clearAllMocks();
  sqs.reset();
  adapters.recordPlacedOrder.mockResolvedValue({ outcome: 'recorded' });
  adapters.getIdempotencyRecord.mockResolvedValue(undefined);
  adapters.getCartLines.mockResolvedValue([]);
});

describe('POST /orders', () => {
  it('records the order once and answers 202 PENDING with its id, calling no queue', async () => {
    const result = await place();
    expect(result.statusCode).toBe(202);
    const { orderId, status } = parseBody(result);
    expect(status).toBe('PENDING');
    expect(orderId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(adapters.recordPlacedOrder).toHaveBeenCalledTimes(1);
    expect(recordedOrder()).toMatchObject({ orderId, userId: 'user-1', paymentToken: 'tok_ok' });
    expect(sqs.calls()).toHaveLength(0);
  });

  it('replays the same key and body (in any key order) with the same order id', async () => {
    const first = parseBody(await place());
    adapters.recordPlacedOrder.mockResolvedValue({ outcome: 'key-used', record: { orderId: first.orderId, requestHash: requestHash(body) } });
    const again = await place({ body: { paymentToken: 'tok_ok', items: [{ quantity: 2, productId: 'p1' }] } });
    expect(again.statusCode).toBe(202);
    expect(parseBody(again).orderId).toBe(first.orderId);
    expect(adapters.getIdempotencyRecord).not.toHaveBeenCalled();
    expect(sqs.calls()).toHaveLength(0);
  });

  it('answers 409 IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
    adapters.recordPlacedOrder.mockResolvedValue({ outcome: 'key-used', record: { orderId: 'earlier', requestHash: requestHash(body) } });
    const result = await place({ body: { ...body, paymentToken: 'tok_other' } });
    expect(result.statusCode).toBe(409);
    expect(parseBody(result).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('answers 503 with Retry-After while a concurrent request holds the same key', async () => {
    adapters.recordPlacedOrder.mockResolvedValue({ outcome: 'key-in-progress' });
    const result = await place();
    expect(result.statusCode).toBe(503);
    expect(parseBody(result).error.code).toBe('UNAVAILABLE');
    expect(result.headers?.['retry-after']).toBe('1');
  });

  it('refuses bad input before writing anything', async () => {
    const cases = [
      place({ key: null }),
      place({ key: 'short' }),
      place({ body: { items: [], paymentToken: 't' } }),
      place({ body: { items: [{ productId: 'p', quantity: 100 }], paymentToken: 't' } }),
      place({ body: { items: [{ productId: 'p', quantity: 1 }, { productId: 'p', quantity: 2 }], paymentToken: 't' } }),
      place({ body: { items: [{ productId: 'bad id', quantity: 1 }], paymentToken: 't' } }),
    ];
    for (const result of await Promise.all(cases)) {
      expect(result.statusCode).toBe(400);
      expect(parseBody(result).error.code).toBe('VALIDATION_FAILED');
    }
    expect(adapters.recordPlacedOrder).not.toHaveBeenCalled();
  });

  it('answers 503 with Retry-After when DynamoDB is slow or unavailable, never a bare 500', async () => {
    for (const failure of [
      Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      Object.assign(new Error('Internal server error'), { name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 } }),
      Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ThrottlingException' }),
    ]) {
      adapters.recordPlacedOrder.mockRejectedValue(failure);
      const result = await place();
      expect(result.statusCode).toBe(503);
      expect(parseBody(result).error.code).toBe('UNAVAILABLE');
      expect(result.headers?.['retry-after']).toBeDefined();
    }
  });

  it('answers 500 INTERNAL, without details, for a fault', async () => {
    adapters.recordPlacedOrder.mockRejectedValue(new Error('a bug'));
    const result = await place();
    expect(result.statusCode).toBe(500);
    expect(parseBody(result)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
  });

  it('answers 503 before the function times out when a dependency hangs', async () => {
    adapters.recordPlacedOrder.mockImplementation(() => new Promise(() => {}));
    const started = Date.now();
    const result = await handler(
      httpEvent({ routeKey: 'POST /orders', body, headers: { 'idempotency-key': 'key-hanging-1' } }),
      { ...lambdaContext, getRemainingTimeInMillis: () => 1_500 },
    );
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('1');
    expect(Date.now() - started).toBeLessThan(1_400);
  });
});

describe('POST /orders from the cart', () => {
  const cartBody = { fromCart: true, promotionCode: 'SAVE10', paymentToken: 'tok_ok' };

  it('orders the cart lines', async () => {
    adapters.getCartLines.mockResolvedValue([{ productId: 'a', quantity: 1, addedAt: '2026-11-24T00:00:01.000Z' }]);
    const result = await place({ body: cartBody });
    expect(result.statusCode).toBe(202);
    expect(recordedOrder()).toMatchObject({ items: [{ productId: 'a', quantity: 1 }], fromCart: true, promotionCode: 'SAVE10' });
  });

  it('refuses an empty (or wholly expired) cart with 400, writing nothing', async () => {
    const result = await place({ body: cartBody });
    expect(result.statusCode).toBe(400);
    expect(parseBody(result).error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'fromCart' }] });
    expect(adapters.recordPlacedOrder).not.toHaveBeenCalled();
  });

  it('refuses a body with both items and fromCart, or neither', async () => {
    for (const bad of [{ ...body, fromCart: true }, { paymentToken: 'tok_ok' }, { fromCart: false, paymentToken: 'tok_ok' }]) {
      const result = await place({ body: bad });
      expect(result.statusCode).toBe(400);
      expect(parseBody(result).error.code).toBe('VALIDATION_FAILED');
    }
    expect(adapters.getCartLines).not.toHaveBeenCalled();
  });
});

describe('GET /orders/{orderId}', () => {
  const order: Order = { orderId: 'o1', userId: 'owner', status: 'PENDING', items: [{ productId: 'p', quantity: 1 }], eventSeq: 1, createdAt: 'c', updatedAt: 'u', subtotalCents: 0, discountCents: 0, totalCents: 0 };
  const get = (claims: Record<string, string>) => handler(httpEvent({ routeKey: 'GET /orders/{orderId}', pathParameters: { orderId: 'o1' }, claims }), lambdaContext);

  it('shows the order to its owner and to an admin, and is 404 to anyone else', async () => {
    adapters.getOrder.mockResolvedValue(order);
    expect((await get({ sub: 'owner' })).statusCode).toBe(200);
    expect(parseBody(await get({ sub: 'owner' }))).toMatchObject({ orderId: 'o1', status: 'PENDING', items: [{ productId: 'p', quantity: 1 }] });
    expect((await get({ sub: 'boss', 'cognito:groups': '[admin]' })).statusCode).toBe(200);
    const other = await get({ sub: 'someone-else' });
    expect(other.statusCode).toBe(404);
    expect(parseBody(other).error.code).toBe('NOT_FOUND');
  });
});
