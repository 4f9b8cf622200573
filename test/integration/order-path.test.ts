import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, idle, info, queueUrl, type Reply, unique } from './client.ts';
import { admin, customer, placeOrder, stockedProduct, stockOf, today } from './fixtures.ts';

let sqs: SQSClient;
beforeAll(async () => {
  const { sqsEndpoint } = await info();
  sqs = new SQSClient({ endpoint: sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(() => sqs?.destroy());

describe('an order, end to end', () => {
  it('goes from 202 PENDING to CONFIRMED, with its events, and shows up in the read models', async () => {
    const productId = await stockedProduct(1250, { w1: 5 });
    const { userId, token } = await customer();

    const placed = await placeOrder(token, [{ productId, quantity: 2 }]);
    expect(placed.status).toBe(202);
    expect(placed.body.status).toBe('PENDING');
    const { orderId } = placed.body;

    await idle();
    const order = await call('GET', `/orders/${orderId}`, { token });
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({
      orderId,
      userId,
      status: 'CONFIRMED',
      items: [{ productId, quantity: 2, unitPriceCents: 1250 }],
      subtotalCents: 2500,
      discountCents: 0,
      totalCents: 2500,
    });

    const events = await call('GET', `/orders/${orderId}/events`, { token });
    expect(events.body.items.map((e: { seq: number; type: string }) => [e.seq, e.type])).toEqual([
      [1, 'OrderPlaced'],
      [2, 'OrderConfirmed'],
    ]);

    const me = await call('GET', '/me', { token });
    expect(me.body.stats).toEqual({ orderCount: 1, lifetimeValueCents: 2500 });
    expect(me.body.recentOrders).toEqual([expect.objectContaining({ orderId, status: 'CONFIRMED', totalCents: 2500 })]);

    const mine = await call('GET', '/me/orders', { token });
    expect(mine.body).toEqual({ items: [expect.objectContaining({ orderId, status: 'CONFIRMED', totalCents: 2500 })], nextCursor: null });

    const ofDay = await call('GET', `/admin/orders?date=${today()}&status=CONFIRMED&limit=100`, { token: await admin() });
    expect(ofDay.status).toBe(200);
    expect(ofDay.body.items).toContainEqual(expect.objectContaining({ orderId, userId, status: 'CONFIRMED' }));

    expect(await stockOf(productId)).toBe(3);
  });

  it('confirms exactly 10 of 40 concurrent orders for 10 units and leaves the stock at 0', async () => {
    const productId = await stockedProduct(100, { w1: 6, w2: 4 });
    const buyers = await Promise.all(Array.from({ length: 40 }, () => customer()));
    const placed = await Promise.all(buyers.map(({ token }) => placeOrder(token, [{ productId, quantity: 1 }])));
    expect(placed.map((reply) => reply.status)).toEqual(placed.map(() => 202));

    await idle(120_000);
    const orders = await Promise.all(placed.map((reply, i) => call('GET', `/orders/${reply.body.orderId}`, { token: buyers[i]!.token })));
    const statuses = orders.map((reply) => reply.body.status);
    expect(statuses.filter((s) => s === 'CONFIRMED')).toHaveLength(10);
    expect(statuses.filter((s) => s === 'REJECTED')).toHaveLength(30);
    expect(orders.filter((reply) => reply.body.status === 'REJECTED').every((reply) => reply.body.rejectionReason === 'OUT_OF_STOCK')).toBe(true);
    expect(await stockOf(productId)).toBe(0);
  });

  it('settles nothing twice when a message is redelivered or a request is replayed', async () => {
    const productId = await stockedProduct(700, { w1: 10 });
    const { token } = await customer();
    const key = unique('idem');
    const placed = await placeOrder(token, [{ productId, quantity: 3 }], 'tok_ok', key);
    await idle();

    const replay = await placeOrder(token, [{ productId, quantity: 3 }], 'tok_ok', key);
    expect(replay.status).toBe(202);
    expect(replay.body.orderId).toBe(placed.body.orderId);
    const orderQueue = await queueUrl('OrderQueue');
    await sqs.send(new SendMessageCommand({ QueueUrl: orderQueue, MessageBody: JSON.stringify({ orderId: placed.body.orderId, paymentToken: 'tok_ok' }) }));
    // A duplicate of the relay's message, with its copy of the PENDING order: settled without a read, it must find the order final.
    const settled = (await call('GET', `/orders/${placed.body.orderId}`, { token })).body;
    const copy = { userId: settled.userId, items: [{ productId, quantity: 3 }], paymentToken: 'tok_ok', eventSeq: 1, createdAt: settled.createdAt };
    await sqs.send(new SendMessageCommand({ QueueUrl: orderQueue, MessageBody: JSON.stringify({ orderId: placed.body.orderId, order: copy }) }));
    await idle();

    const events = await call('GET', `/orders/${placed.body.orderId}/events`, { token });
    expect(events.body.items).toHaveLength(2);
    expect(await stockOf(productId)).toBe(7);
    const me = await call('GET', '/me', { token });
    expect(me.body.stats).toEqual({ orderCount: 1, lifetimeValueCents: 2100 });
    const mine = await call('GET', '/me/orders', { token });
    expect(mine.body.items).toHaveLength(1);

    const reused = await placeOrder(token, [{ productId, quantity: 4 }], 'tok_ok', key);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('rejects tok_decline with PAYMENT_DECLINED and restores the stock', async () => {
    const productId = await stockedProduct(300, { w1: 2 });
    const { token } = await customer();
    const placed = await placeOrder(token, [{ productId, quantity: 2 }], 'tok_decline');
    await idle();
    const order = await call('GET', `/orders/${placed.body.orderId}`, { token });
    expect(order.body).toMatchObject({ status: 'REJECTED', rejectionReason: 'PAYMENT_DECLINED' });
    expect(await stockOf(productId)).toBe(2);
    const me = await call('GET', '/me', { token });
    expect(me.body.stats).toEqual({ orderCount: 0, lifetimeValueCents: 0 });
    expect(me.body.recentOrders).toEqual([expect.objectContaining({ orderId: placed.body.orderId, status: 'REJECTED' })]);
  });

  it('sends a poison message to the DLQ while the rest of its batch is settled', async () => {
    const productId = await stockedProduct(100, { w1: 5 });
    const { token } = await customer();
    const orderQueue = await queueUrl('OrderQueue');
    const poison = `poison-${unique('m')}`;
    await sqs.send(new SendMessageCommand({ QueueUrl: orderQueue, MessageBody: poison }));
    const placed = await placeOrder(token, [{ productId, quantity: 1 }]);

    await idle(120_000);
    expect((await call('GET', `/orders/${placed.body.orderId}`, { token })).body.status).toBe('CONFIRMED');
    const dlq = await queueUrl('OrderDlq');
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const dead = (received.Messages ?? []).find((message) => message.Body === poison);
    expect(dead).toBeDefined();
    await sqs.send(new DeleteMessageCommand({ QueueUrl: dlq, ReceiptHandle: dead!.ReceiptHandle! }));
  });
});

describe('what clients may not do', () => {
  it('answers bad input with the error contract and writes nothing', async () => {
    const productId = await stockedProduct(100, { w1: 5 });
    const { token } = await customer();
    const post = (body: unknown, headers: Record<string, string> = { 'idempotency-key': unique('idem') }) =>
      call('POST', '/orders', { token, body, headers });

    const bad = [
      await post({ items: [{ productId, quantity: 0 }], paymentToken: 't' }),
      await post({ items: [], paymentToken: 't' }),
      await post({ items: [{ productId, quantity: 1 }] }),
      await post({ items: [{ productId, quantity: 1 }], paymentToken: 't', surprise: true }),
      await post({ items: [{ productId, quantity: 1 }], paymentToken: 't' }, {}),
      await call('POST', '/orders', { token, rawBody: '{"items":', headers: { 'content-type': 'application/json', 'idempotency-key': unique('idem') } }),
    ];
    for (const reply of bad) {
      expect(reply.status).toBe(400);
      expect(reply.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String) });
    }
    const wrongType = await call('POST', '/orders', { token, rawBody: 'items=1', headers: { 'content-type': 'text/plain', 'idempotency-key': unique('idem') } });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    expect((await call('GET', '/orders/not%20an%20id', { token })).status).toBe(400);
    expect((await call('PUT', `/products/${productId}`, { token, body: { name: 'x', priceCents: 1 } })).status).toBe(403);
    expect((await call('PUT', `/products/${productId}`, { token: await admin(), body: { name: '', priceCents: -1 } })).status).toBe(400);
    expect((await call('GET', '/me/orders?limit=500', { token })).status).toBe(400);
    expect((await call('GET', '/me/orders?cursor=garbage', { token })).status).toBe(400);
    expect((await call('GET', '/admin/orders?date=yesterday', { token: await admin() })).status).toBe(400);
    expect((await call('GET', '/me')).status).toBe(401);

    await idle();
    expect((await call('GET', '/me/orders', { token })).body.items).toEqual([]);
    expect(await stockOf(productId)).toBe(5);
    expect((await call('GET', `/products/${productId}`)).body.name).toBe(`Product ${productId}`);
  });

  it("hides another user's order behind 404", async () => {
    const productId = await stockedProduct(100, { w1: 5 });
    const owner = await customer();
    const stranger = await customer();
    const placed = await placeOrder(owner.token, [{ productId, quantity: 1 }]);
    await idle();
    for (const path of [`/orders/${placed.body.orderId}`, `/orders/${placed.body.orderId}/events`]) {
      const reply = await call('GET', path, { token: stranger.token });
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('NOT_FOUND');
      expect((await call('GET', path, { token: owner.token })).status).toBe(200);
      expect((await call('GET', path, { token: await admin() })).status).toBe(200);
    }
  });

  it('pages a day of orders across shards without gaps or repeats', async () => {
    const productId = await stockedProduct(100, { w1: 50 });
    const { token } = await customer();
    const placed = await Promise.all(Array.from({ length: 7 }, () => placeOrder(token, [{ productId, quantity: 1 }])));
    await idle();
    const mine = new Set(placed.map((reply) => reply.body.orderId));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/admin/orders?date=${today()}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await call('GET', query, { token: await admin() });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((o: { orderId: string }) => o.orderId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort().reverse()).toEqual(seen);
    for (const id of mine) expect(seen).toContain(id);

    const myPages: string[] = [];
    let myCursor: string | null = null;
    do {
      const page: Reply = await call('GET', `/me/orders?limit=2${myCursor ? `&cursor=${encodeURIComponent(myCursor)}` : ''}`, { token });
      myPages.push(...page.body.items.map((o: { orderId: string }) => o.orderId));
      myCursor = page.body.nextCursor;
    } while (myCursor);
    expect(new Set(myPages)).toEqual(mine);
    expect([...myPages].sort().reverse()).toEqual(myPages);
  });
});

describe('an event source mapping held by an operator (POST /_sandbox/mappings)', () => {
  const mappings = (body: Record<string, unknown>) => call('POST', '/_sandbox/mappings', { body });
  const status = async (orderId: string, token: string) => (await call('GET', `/orders/${orderId}`, { token })).body.status;

  it('keeps orders PENDING in the queue while settlement is disabled, and settles them once it is enabled', async () => {
    const productId = await stockedProduct(700, { w1: 10 });
    const { token } = await customer();
    expect((await mappings({ function: 'OrderPipelineSettleOrder', enabled: false })).status).toBe(200);
    let orderId = '';
    try {
      const placed = await placeOrder(token, [{ productId, quantity: 2 }]);
      expect(placed.status).toBe(202);
      orderId = placed.body.orderId;
      // Relayed to the queue, and nobody takes it.
      const deadline = Date.now() + 20_000;
      const queued = async () => ((await call('GET', '/_sandbox/queues')).body.queues as Array<{ logicalId: string; visible: number }>).find((q) => q.logicalId.includes('OrderQueue'))!.visible;
      while ((await queued()) < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await queued()).toBeGreaterThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await status(orderId, token)).toBe('PENDING');
      const notIdle = await call('POST', '/_sandbox/idle', { body: { timeoutMs: 1_500 } });
      expect(notIdle.status).toBe(504);
    } finally {
      expect((await mappings({ function: 'OrderPipelineSettleOrder', enabled: true })).status).toBe(200);
    }
    await idle();
    expect(await status(orderId, token)).toBe('CONFIRMED');
    expect(await stockOf(productId)).toBe(8);
  });

  it('answers 404 for a function no mapping invokes, and 400 for a body without a function or a boolean', async () => {
    expect((await mappings({ function: 'NoSuchFunction', enabled: false })).status).toBe(404);
    expect((await mappings({ enabled: false })).status).toBe(400);
    expect((await mappings({ function: 'OrderPipelineSettleOrder', enabled: 'no' })).status).toBe(400);
  });
});
