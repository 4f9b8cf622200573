import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../lambdas/orders/api.ts';
import { httpEvent, lambdaContext, parseBody } from '../events.ts';

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
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
});

describe('POST /orders', () => {
  it('records a PENDING order, its event and idempotency record in one transaction, enqueues it, answers 202', async () => {
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
    expect(items[1]!.Put!.Item).toMatchObject({ orderId, status: 'PENDING', userId: 'user-1' });

    const sent = sqs.commandCalls(SendMessageCommand);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.args[0].input.MessageBody!)).toEqual({ orderId, paymentToken: 'tok_ok' });
  });

  it('replays the same key and body with the same order id, and re-enqueues a still-PENDING order', async () => {
    const first = parseBody(await place());
    const record = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
    dynamo.on(GetCommand, { Key: { pk: record.pk, sk: record.sk } }).resolves({ Item: record });
    dynamo.on(GetCommand, { Key: { pk: `$commerce#orderId_${first.orderId}`, sk: '$order_1' } }).resolves({
      Item: { ...dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![1]!.Put!.Item },
    });
    const again = await place({ body: { paymentToken: 'tok_ok', items: [{ quantity: 2, productId: 'p1' }] } });
    expect(again.statusCode).toBe(202);
    expect(parseBody(again).orderId).toBe(first.orderId);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(2);
  });

  it('answers 409 IDEMPOTENCY_KEY_REUSED for the same key with another body, writing nothing', async () => {
    await place();
    const record = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
    dynamo.on(GetCommand, { Key: { pk: record.pk, sk: record.sk } }).resolves({ Item: record });
    const result = await place({ body: { ...body, paymentToken: 'other' } });
    expect(result.statusCode).toBe(409);
    expect(parseBody(result).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
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
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers 503 when the queue is unreachable, so the client retries with its key', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('network down'));
    const result = await place();
    expect(result.statusCode).toBe(503);
    expect(parseBody(result).error.code).toBe('UNAVAILABLE');
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
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('refuses a body with both items and fromCart, or neither', async () => {
    for (const bad of [{ ...body, fromCart: true }, { paymentToken: 'tok_ok' }, { fromCart: false, paymentToken: 'tok_ok' }]) {
      const result = await place({ body: bad });
      expect(result.statusCode).toBe(400);
      expect(parseBody(result).error.code).toBe('VALIDATION_FAILED');
    }
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('replays a fromCart request by its key without reading the (by now emptied) cart', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [line('a', 1, future)] });
    const first = parseBody(await place({ body: cartBody }));
    const record = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
    dynamo.on(GetCommand, { Key: { pk: record.pk, sk: record.sk } }).resolves({ Item: record });
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const again = await place({ body: cartBody });
    expect(again.statusCode).toBe(202);
    expect(parseBody(again).orderId).toBe(first.orderId);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(1);
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
