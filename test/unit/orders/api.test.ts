import { SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { decodeTime } from 'ulid';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../lambdas/orders/api.ts';
import { httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
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

beforeEach(() => {
  dynamo.reset();
  sqs.reset();
  dynamo.on(GetCommand).resolves({});
  dynamo.on(TransactWriteCommand).resolves({});
});

/** What DynamoDB answers when the idempotency record's condition fails: the record itself (ALL_OLD). */
function keyAlreadyUsed(record: Record<string, unknown>) {
  return Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: [{ Code: 'ConditionalCheckFailed', Item: marshall(record) }, { Code: 'None' }, { Code: 'None' }],
  });
}

describe('POST /orders', () => {
  it('records the PENDING order with its token, its event and the idempotency record in one transaction, answers 202, calls no queue', async () => {
    const result = await place();
    expect(result.statusCode).toBe(202);
    const { orderId, status } = parseBody(result);
    expect(status).toBe('PENDING');
    expect(orderId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

    const writes = dynamo.commandCalls(TransactWriteCommand);
    expect(writes).toHaveLength(1);
    const items = writes[0]!.args[0].input.TransactItems!;
    expect(items.map((item) => item.Put?.Item?.__edb_e__)).toEqual(['idempotency', 'order', 'orderEvent']);
    expect(items.every((item) => item.Put?.ConditionExpression?.includes('attribute_not_exists'))).toBe(true);
    expect(items[0]!.Put!.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    const order = items[1]!.Put!.Item!;
    expect(order).toMatchObject({ orderId, status: 'PENDING', userId: 'user-1', paymentToken: 'tok_ok' });
    // One clock: createdAt is the instant the ULID encodes; the order is in the sparse pending index.
    expect(order['createdAt']).toBe(new Date(decodeTime(orderId)).toISOString());
    expect(order['gsi3pk']).toBeDefined();
    expect(sqs.calls()).toHaveLength(0);
  });

  it('replays the same key and body with the same order id, from the cancelled transaction alone', async () => {
    const first = parseBody(await place());
    const record = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
    dynamo.on(TransactWriteCommand).rejects(keyAlreadyUsed(record));
    const again = await place({ body: { paymentToken: 'tok_ok', items: [{ quantity: 2, productId: 'p1' }] } });
    expect(again.statusCode).toBe(202);
    expect(parseBody(again).orderId).toBe(first.orderId);
    // No read before the write, none after it: the condition's failure carried the record.
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('answers 409 IDEMPOTENCY_KEY_REUSED for the same key with another body, writing nothing', async () => {
    await place();
    const record = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
    dynamo.on(TransactWriteCommand).rejects(keyAlreadyUsed(record));
    const result = await place({ body: { ...body, paymentToken: 'tok_other' } });
    expect(result.statusCode).toBe(409);
    expect(parseBody(result).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('gives ids whose order is the order of their createdAt, also within one millisecond', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(parseBody(await place({ key: `key-order-${String(i).padStart(4, '0')}` })).orderId);
    expect([...ids].sort()).toEqual(ids);
    const created = dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems![1]!.Put!.Item!['createdAt'] as string);
    expect([...created].sort()).toEqual(created);
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
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 503 with Retry-After when DynamoDB is slow or unavailable, never a bare 500', async () => {
    for (const failure of [
      Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      Object.assign(new Error('Internal server error'), { name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 } }),
      Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ThrottlingException' }),
    ]) {
      dynamo.on(TransactWriteCommand).rejects(failure);
      const result = await place();
      expect(result.statusCode).toBe(503);
      expect(parseBody(result).error.code).toBe('UNAVAILABLE');
      expect(result.headers?.['retry-after']).toBeDefined();
    }
  });

  it('answers 503 before the function times out when a dependency hangs', async () => {
    dynamo.on(TransactWriteCommand).callsFake(() => new Promise(() => {}));
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
  const line = (productId: string, quantity: number, ttl: number) => ({
    __edb_e__: 'cartItem', __edb_v__: '1', pk: '$commerce#userId_user-1', sk: `$cartItem_1#productId_${productId}`,
    userId: 'user-1', productId, quantity, addedAt: `2026-11-24T00:00:0${quantity}.000Z`, ttl, schemaVersion: 1,
  });
  const future = Math.floor(Date.now() / 1000) + 3600;

  it('orders the unexpired cart lines, recording fromCart and the lines to remove once CONFIRMED', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [line('a', 1, future), line('b', 2, future), line('gone', 3, 1_700_000_000)] });
    const result = await place({ body: cartBody });
    expect(result.statusCode).toBe(202);
    const query = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query.ConsistentRead).toBe(true);
    const order = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![1]!.Put!.Item!;
    expect(order).toMatchObject({
      items: [{ productId: 'a', quantity: 1 }, { productId: 'b', quantity: 2 }],
      fromCart: true,
      promotionCode: 'SAVE10',
      cartLines: [
        { productId: 'a', quantity: 1, addedAt: '2026-11-24T00:00:01.000Z' },
        { productId: 'b', quantity: 2, addedAt: '2026-11-24T00:00:02.000Z' },
      ],
    });
  });

  it('refuses an empty (or wholly expired) cart with 400, writing nothing', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [line('gone', 1, 1_700_000_000)] });
    const result = await place({ body: cartBody });
    expect(result.statusCode).toBe(400);
    expect(parseBody(result).error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'fromCart' }] });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses a body with both items and fromCart, or neither', async () => {
    for (const bad of [{ ...body, fromCart: true }, { paymentToken: 'tok_ok' }, { fromCart: false, paymentToken: 'tok_ok' }]) {
      const result = await place({ body: bad });
      expect(result.statusCode).toBe(400);
      expect(parseBody(result).error.code).toBe('VALIDATION_FAILED');
    }
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('replays a fromCart request by its key once the cart is empty (the one case that reads the record)', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [line('a', 1, future)] });
    const first = parseBody(await place({ body: cartBody }));
    const record = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
    dynamo.on(GetCommand, { Key: { pk: record.pk, sk: record.sk } }).resolves({ Item: record });
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const again = await place({ body: cartBody });
    expect(again.statusCode).toBe(202);
    expect(parseBody(again).orderId).toBe(first.orderId);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});

describe('GET /orders/{orderId}', () => {
  const item = { __edb_e__: 'order', __edb_v__: '1', pk: '$commerce#orderId_o1', sk: '$order_1', orderId: 'o1', userId: 'owner', status: 'PENDING', items: [{ productId: 'p', quantity: 1 }], eventSeq: 1, day: '2026-11-24', shard: 0, createdAt: 'c', updatedAt: 'u', subtotalCents: 0, discountCents: 0, totalCents: 0 };
  const get = (claims: Record<string, string>) => handler(httpEvent({ routeKey: 'GET /orders/{orderId}', pathParameters: { orderId: 'o1' }, claims }), lambdaContext);

  it('shows the order to its owner and to an admin, and is 404 to anyone else', async () => {
    dynamo.on(GetCommand).resolves({ Item: item });
    expect((await get({ sub: 'owner' })).statusCode).toBe(200);
    expect(parseBody(await get({ sub: 'owner' }))).toMatchObject({ orderId: 'o1', status: 'PENDING', items: [{ productId: 'p', quantity: 1 }] });
    expect((await get({ sub: 'boss', 'cognito:groups': '[admin]' })).statusCode).toBe(200);
    const other = await get({ sub: 'someone-else' });
    expect(other.statusCode).toBe(404);
    expect(parseBody(other).error.code).toBe('NOT_FOUND');
  });
});
