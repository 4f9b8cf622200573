import { afterEach, describe, expect, it } from 'vitest';
import { call, idle, info, type Reply } from './client.ts';
import { admin, customer, placeOrder, stockedProduct, stockOf } from './fixtures.ts';
import { expectNoServerFault, expectSettledOnce, recordedOrders, untilAllFinal } from './settling.ts';

/**
 * SPEC §1: every accepted order reaches CONFIRMED or REJECTED without any client retry, whatever
 * fails on the way. Each test injects its fault for real through the sandbox's fault controls
 * (docs/sandbox.md), then runs the backstop until every order — answered 202, or recorded although
 * the client saw an error — is final, the stock exact and nothing settled twice.
 */
const fault = (rule: Record<string, unknown>) => call('POST', '/_sandbox/faults', { body: rule });

afterEach(async () => {
  await call('DELETE', '/_sandbox/faults');
});

async function burst(token: string, productId: string, count: number, concurrency = 8): Promise<Reply[]> {
  const replies: Reply[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        replies.push(await placeOrder(token, [{ productId, quantity: 1 }]));
      }
    }),
  );
  return replies;
}

/** Confirmed units match the stock taken, and every recorded order (seen or not) is final. */
async function expectSettledExactly(userIds: string[], replies: Reply[], productId: string, initialStock: number) {
  const { dynamodbEndpoint, tableName } = await info();
  const recorded = await recordedOrders(dynamodbEndpoint, tableName, userIds);
  const accepted = replies.filter((reply) => reply.status === 202).map((reply) => reply.body.orderId as string);
  expect(recorded).toEqual(expect.arrayContaining(accepted));
  const { states, events } = await untilAllFinal(recorded);
  expectSettledOnce(states, events);
  const confirmed = [...states.values()].filter((state) => state.status === 'CONFIRMED').length;
  expect(await stockOf(productId)).toBe(initialStock - confirmed);
  return { recorded, accepted, states, events };
}

describe('accepted orders under faults', () => {
  it('settle although every send of the outbox relay to SQS fails: the backstop re-drives them', async () => {
    const productId = await stockedProduct(500, { w1: 100 });
    const { userId, token } = await customer();
    expect((await fault({ service: 'sqs', operation: 'SendMessageBatch', function: 'RelayPlacedOrders', count: 1000 })).status).toBe(200);
    const replies = await burst(token, productId, 20);
    expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(202));
    const { states } = await expectSettledExactly([userId], replies, productId, 100);
    expect([...states.values()].every((state) => state.status === 'CONFIRMED')).toBe(true);
  });

  it('settle, and clients get 202 or 503 with Retry-After, while DynamoDB is paused past the API timeout', async () => {
    const productId = await stockedProduct(500, { w1: 100 });
    const { userId, token } = await customer();
    // Orders before the pause, then a burst that meets the paused table and keeps coming after it resumes.
    const before = await burst(token, productId, 8, 4);
    expect((await fault({ service: 'dynamodb', pauseMs: 12_000 })).status).toBe(200);
    const resumesAt = Date.now() + 12_000;
    const replies = [...before, ...(await burst(token, productId, 24, 8))];
    // Requests the clients gave up on are still queued at DynamoDB: let it resume and work them off.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, resumesAt - Date.now()) + 2_000));
    await idle();
    expectNoServerFault(replies);
    expect(replies.some((reply) => reply.status === 503)).toBe(true);
    const { recorded, states } = await expectSettledExactly([userId], replies, productId, 100);
    expect(recorded.length).toBeGreaterThanOrEqual(replies.filter((reply) => reply.status === 202).length);
    expect([...states.values()].every((state) => state.status === 'CONFIRMED')).toBe(true);
  });

  it('settle exactly once when the worker crashes between its transaction and the message delete', async () => {
    const productId = await stockedProduct(500, { w1: 10 });
    const { userId, token } = await customer();
    expect((await fault({ service: 'dynamodb', operation: 'TransactWriteItems', function: 'SettleOrder', crash: true, count: 3 })).status).toBe(200);
    const replies = await burst(token, productId, 6, 3);
    expect(replies.map((reply) => reply.status)).toEqual(Array(6).fill(202));
    const { states } = await expectSettledExactly([userId], replies, productId, 10);
    expect([...states.values()].every((state) => state.status === 'CONFIRMED')).toBe(true);
    // The crashes really happened: every crash rule was used up.
    expect((await call('GET', '/_sandbox/faults')).body.faults).toEqual([]);
  });
});

describe('the backstop', () => {
  it('rejects an order SETTLEMENT_FAILED once it re-drove it enough without an outcome, stock untouched', async () => {
    const productId = await stockedProduct(500, { w1: 5 });
    const { userId, token } = await customer();
    // Every DynamoDB call of the worker fails: no delivery can settle the order, nor reject it.
    expect((await fault({ service: 'dynamodb', function: 'SettleOrder', count: 100_000 })).status).toBe(200);
    const placed = await placeOrder(token, [{ productId, quantity: 1 }]);
    expect(placed.status).toBe(202);
    const { states, events } = await expectSettledExactly([userId], [placed], productId, 5);
    expect(states.get(placed.body.orderId)).toMatchObject({ status: 'REJECTED', rejectionReason: 'SETTLEMENT_FAILED' });
    expect(events.get(placed.body.orderId)!.map((event) => event.type)).toEqual(['OrderPlaced', 'OrderRejected']);
  });
});

describe('the sandbox fault controls', () => {
  it('fail the next N calls of one API, and record which API each function called', async () => {
    const productId = await stockedProduct(500, { w1: 5 });
    expect((await fault({ service: 'dynamodb', operation: 'Query', function: 'CatalogApi', count: 3, error: 'throttle' })).status).toBe(200);
    const reply = await call('GET', `/products/${productId}/inventory`, { token: await admin() });
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await call('GET', '/_sandbox/faults')).body.faults).toEqual([]);
    expect((await call('GET', `/products/${productId}/inventory`, { token: await admin() })).status).toBe(200);
    const { calls } = (await call('GET', '/_sandbox/calls')).body;
    const catalog = Object.entries(calls).find(([fn]) => fn.includes('CatalogApi'))![1];
    expect(catalog).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:TransactWriteItems']));
  });

  it('refuse rules they cannot apply', async () => {
    expect((await fault({ service: 's3' })).status).toBe(400);
    expect((await fault({ service: 'sqs', crash: true })).status).toBe(400);
    expect((await fault({ service: 'sqs', pauseMs: 1000 })).status).toBe(400);
    expect((await fault({ service: 'dynamodb', count: 0 })).status).toBe(400);
  });
});
