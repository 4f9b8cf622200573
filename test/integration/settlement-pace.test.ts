import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mapBounded } from '../../lambdas/domain/batching.ts';
import { toSqsRecord } from '../../sandbox/pollers/sqs.ts';
import { call, idle, info, queueUrl, unique } from './client.ts';
import { customer, placeOrder, stockedProduct } from './fixtures.ts';
import { commands, inProcess } from './in-process.ts';

/**
 * The per-worker rate cap (docs/data-model.md, "Settlement concurrency") holding settlement back
 * against DynamoDB Local: one SettleOrder environment, run in this process under
 * SETTLEMENT_RATE_PER_WORKER = 4, is given one batch of 24 real PENDING orders (placed through the
 * API, their messages as the relay queued them) and starts their transactions no faster than the
 * token bucket allows. The same batch under a rate too high to ever wait runs far faster — so the
 * checks below would catch a worker without the cap.
 *
 * The orders are of different products: records of one product take turns within a batch, which
 * would slow the uncapped run too and hide what the cap does.
 */
const ORDERS = 24;
const RATE = 4;
/** The handler's bucket holds a second's worth: `new Pace(rate, max(1, rate))`. */
const BURST = RATE;
/**
 * What the bucket lets start in any one second: the burst plus a second's refill, and one more for
 * jitter — a transaction follows its settlement's start after reads (catalog, stock) whose time
 * varies on a loaded machine. Without the cap a batch shows several times this.
 */
const MOST_IN_ANY_SECOND = BURST + RATE + 1;
/** The bucket was full when the batch came; every start past the burst waited for a refill. */
const LEAST_BATCH_MS = ((ORDERS - BURST) / RATE) * 1000;

let sqs: SQSClient;
let token: string;
/** Two batches of the same products: one settled under the cap, one without. */
const batches: Array<{ orderIds: string[]; records: SQSRecord[] }> = [];

beforeAll(async () => {
  const { sqsEndpoint } = await info();
  sqs = new SQSClient({ endpoint: sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const buyer = await customer();
  token = buyer.token;
  const products = await mapBounded([...Array(ORDERS).keys()], 4, () => stockedProduct(300, { w1: 5 }));

  // Settlement held, so the sandbox's worker takes none of these orders: this test hands them to its own.
  await mappings(false);
  try {
    for (let batch = 0; batch < 2; batch++) {
      const placed = await mapBounded(products, 4, (productId) => placeOrder(token, [{ productId, quantity: 1 }]));
      expect(placed.filter((reply) => reply.status !== 202).map((reply) => JSON.stringify(reply.body))).toEqual([]);
      batches.push({ orderIds: placed.map((reply) => reply.body.orderId as string), records: [] });
    }
    const records = await takeQueued(batches.flatMap((batch) => batch.orderIds));
    for (const batch of batches) batch.records = batch.orderIds.map((orderId) => records.get(orderId)!);
  } finally {
    await mappings(true);
  }
});

afterAll(async () => {
  sqs?.destroy();
  await idle();
});

async function mappings(enabled: boolean): Promise<void> {
  expect((await call('POST', '/_sandbox/mappings', { body: { function: 'OrderPipelineSettleOrder', enabled } })).status).toBe(200);
}

/**
 * The relay's message of each order, received from the order queue as the sandbox's poller would
 * (first delivery, all attributes) and deleted there, so that nobody else settles the order.
 * Another test's message, were one left, is made visible again.
 */
async function takeQueued(orderIds: readonly string[]): Promise<Map<string, SQSRecord>> {
  const QueueUrl = await queueUrl('OrderQueue');
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const wanted = new Set(orderIds);
  const taken = new Map<string, SQSRecord>();
  const deadline = Date.now() + 30_000;
  while (taken.size < wanted.size && Date.now() < deadline) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
    );
    for (const message of Messages) {
      const orderId = (JSON.parse(message.Body ?? '{}') as { orderId?: string }).orderId ?? '';
      if (!wanted.has(orderId)) {
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
        continue;
      }
      if (!taken.has(orderId)) taken.set(orderId, toSqsRecord(message, Attributes!['QueueArn']!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  expect(orderIds.filter((orderId) => !taken.has(orderId))).toEqual([]);
  return taken;
}

/**
 * One SettleOrder execution environment in this process, configured (at import, as at a cold
 * start) with `SETTLEMENT_RATE_PER_WORKER = rate`; it settles one batch and tells when each
 * DynamoDB request of it started.
 */
async function settlementWorker(rate: number) {
  vi.resetModules();
  const harness = await inProcess({ SETTLEMENT_RATE_PER_WORKER: String(rate) });
  const { client } = await import('../../lambdas/model/table.ts');
  const { handler } = await import('../../lambdas/orders/settle-order.ts');
  let started: Array<{ command: string; at: number }> | undefined;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      started?.push({ command: String(context.commandName), at: Date.now() });
      return next(args);
    },
    { step: 'initialize', name: 'paceClock' },
  );
  return async (records: SQSRecord[]) => {
    started = [];
    const receivedAt = Date.now();
    const { result, requests } = await harness.count(() => handler({ Records: records }, { functionName: 'SettleOrder', awsRequestId: unique('r') } as Context));
    const clocked = started;
    started = undefined;
    expect(clocked.map((request) => request.command)).toEqual(commands(requests));
    const transactions = clocked.filter((request) => request.command === 'TransactWriteItemsCommand').map((request) => request.at - receivedAt);
    return { result, requests, transactions };
  };
}

/** The most of these instants (ms) within one second, [t, t + 1 s) from each of them. */
function busiestSecond(instants: readonly number[]): number {
  const sorted = [...instants].sort((a, b) => a - b);
  return Math.max(0, ...sorted.map((from, i) => sorted.slice(i).filter((t) => t < from + 1000).length));
}

/** Every order CONFIRMED, with one OrderConfirmed event: settled once, by this test's worker. */
async function expectConfirmedOnce(orderIds: readonly string[]): Promise<void> {
  for (const orderId of orderIds) {
    expect((await call('GET', `/orders/${orderId}`, { token })).body.status, orderId).toBe('CONFIRMED');
    const types = (await call('GET', `/orders/${orderId}/events`, { token })).body.items.map((event: { type: string }) => event.type);
    expect(types, orderId).toEqual(['OrderPlaced', 'OrderConfirmed']);
  }
}

describe('settlement paced per worker (SETTLEMENT_RATE_PER_WORKER) against DynamoDB Local', () => {
  it(`starts at most ${MOST_IN_ANY_SECOND} settlement transactions in any second at ${RATE}/s, and takes ≥ ${LEAST_BATCH_MS / 1000} s for ${ORDERS}`, async () => {
    const settle = await settlementWorker(RATE);
    const { result, requests, transactions } = await settle(batches[0]!.records);
    expect(result.batchItemFailures).toEqual([]);
    // One transaction per order: none lost a race and settled twice.
    expect(commands(requests).filter((command) => command === 'TransactWriteItemsCommand')).toHaveLength(ORDERS);
    await expectConfirmedOnce(batches[0]!.orderIds);

    expect(busiestSecond(transactions), `transactions at ${transactions.join(', ')} ms`).toBeLessThanOrEqual(MOST_IN_ANY_SECOND);
    // A timer may fire a millisecond early.
    expect(Math.max(...transactions)).toBeGreaterThanOrEqual(LEAST_BATCH_MS - 5);
  });

  it('without the cap (a rate it never reaches) the same batch breaks both bounds: the checks above detect a missing cap', async () => {
    const settle = await settlementWorker(10_000);
    const { result, requests, transactions } = await settle(batches[1]!.records);
    expect(result.batchItemFailures).toEqual([]);
    expect(commands(requests).filter((command) => command === 'TransactWriteItemsCommand')).toHaveLength(ORDERS);
    await expectConfirmedOnce(batches[1]!.orderIds);

    expect(busiestSecond(transactions), `transactions at ${transactions.join(', ')} ms`).toBeGreaterThan(MOST_IN_ANY_SECOND);
    expect(Math.max(...transactions)).toBeLessThan(LEAST_BATCH_MS);
  });
});
