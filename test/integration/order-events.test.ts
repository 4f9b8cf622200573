import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractViolations } from '../event-contracts.ts';
import { call, idle, unique } from './client.ts';
import { customer, placeOrder, stockedProduct } from './fixtures.ts';
import { inProcess } from './in-process.ts';

interface ListedEvent {
  id: string;
  detailType: string;
  source: string;
  detail: { orderId: string; seq: number; at: string; data: Record<string, unknown>; schemaVersion: number };
  deliveredTo: string[];
}
interface Mail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  configurationSet?: string;
}

const eventsOf = async (orderId: string): Promise<ListedEvent[]> =>
  ((await call('GET', '/_sandbox/events')).body.events as ListedEvent[]).filter((event) => event.detail?.orderId === orderId);
const mailFor = async (address: string): Promise<Mail[]> => ((await call('GET', '/_sandbox/mail')).body.messages as Mail[]).filter((mail) => mail.to.includes(address));
const notificationRule = async (): Promise<string> =>
  ((await call('GET', '/_sandbox/events/rules')).body.rules as Array<{ name: string }>).find((rule) => rule.name.includes('NotifyOnOutcome'))!.name;

let dynamodb: DynamoDBClient;
let tableName: string;
let relay: (event: DynamoDBStreamEvent, context: Context) => Promise<{ batchItemFailures: unknown[] }>;

beforeAll(async () => {
  const { sandbox } = await inProcess({
    EVENT_BUS_NAME: 'Commerce-orders',
    AWS_ENDPOINT_URL_EVENTBRIDGE: (await call('GET', '/_sandbox/info')).body.eventsEndpoint,
  });
  tableName = sandbox.tableName;
  dynamodb = new DynamoDBClient({ endpoint: sandbox.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  ({ handler: relay } = await import('../../lambdas/orders/relay-placed-orders.ts'));
});
afterAll(() => dynamodb?.destroy());

describe('order events on the bus (SPEC §6 "Events out")', () => {
  it('a confirmed order puts its two events on the bus in seq order, each conforming to its contract, and sends exactly one email', async () => {
    const productId = await stockedProduct(1250, { w1: 5 });
    const { userId, token } = await customer();
    const { body } = await placeOrder(token, [{ productId, quantity: 2 }]);
    await idle();

    const events = await eventsOf(body.orderId);
    expect(events.map((event) => [event.detail.seq, event.detailType])).toEqual([
      [1, 'OrderPlaced'],
      [2, 'OrderConfirmed'],
    ]);
    for (const event of events) {
      expect(event.source).toBe('commerce.orders');
      expect(contractViolations(event.detailType, event.detail)).toEqual([]);
    }
    expect(events.at(-1)!.detail.data).toEqual({
      subtotalCents: 2500,
      discountCents: 0,
      totalCents: 2500,
      allocations: [{ productId, warehouseId: 'w1', quantity: 2 }],
      payment: { reference: expect.any(String), amountCents: 2500 },
    });
    expect(events.at(-1)!.deliveredTo).toEqual([await notificationRule()]);
    expect(events.slice(0, -1).every((event) => event.deliveredTo.length === 0)).toBe(true);

    const mail = await mailFor(`${userId}@example.com`);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ from: 'orders@example.com', subject: `Your order ${body.orderId} is confirmed`, configurationSet: 'Commerce-notifications' });
    expect(mail[0]!.text).toContain(`2 × ${productId} at 12.50 = 25.00`);
    expect(mail[0]!.text).toContain('Total: 25.00');
  });

  it('a rejected order sends one rejection email saying why', async () => {
    const productId = await stockedProduct(300, { w1: 2 });
    const { userId, token } = await customer();
    const { body } = await placeOrder(token, [{ productId, quantity: 1 }], 'tok_decline');
    await idle();
    expect((await eventsOf(body.orderId)).map((event) => event.detailType)).toEqual(['OrderPlaced', 'OrderRejected']);
    const mail = await mailFor(`${userId}@example.com`);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(`Your order ${body.orderId} could not be completed`);
    expect(mail[0]!.text).toContain('the payment was declined');
  });

  it('redelivering the stream batch and the bus events sends no second email', async () => {
    const productId = await stockedProduct(500, { w1: 5 });
    const { userId, token } = await customer();
    const { body } = await placeOrder(token, [{ productId, quantity: 1 }]);
    await idle();
    expect(await mailFor(`${userId}@example.com`)).toHaveLength(1);

    // The relay's stream batch again: the order's logged events, as the stream delivered them.
    const { Items = [] } = await dynamodb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': { S: `$commerce#orderId_${body.orderId}` }, ':events': { S: '$orderEvent' } },
      }),
    );
    expect(Items).toHaveLength(2);
    const batch = { Records: Items.map((item, i) => ({ eventName: 'INSERT', dynamodb: { NewImage: item, SequenceNumber: String(i + 1) } })) } as unknown as DynamoDBStreamEvent;
    expect((await relay(batch, { functionName: 'replay', awsRequestId: 'r' } as Context)).batchItemFailures).toEqual([]);
    await idle();
    expect((await eventsOf(body.orderId)).filter((event) => event.detailType === 'OrderConfirmed')).toHaveLength(2);

    // The bus events again: the archive replayed to the notification rule.
    const replay = await call('POST', '/_sandbox/events/replay', { body: { rule: await notificationRule() } });
    expect(replay.status).toBe(200);
    expect(replay.body.events).toBeGreaterThanOrEqual(2);
    await idle();

    expect(await mailFor(`${userId}@example.com`)).toHaveLength(1);
  });

  it('the archive replays past events to a new rule, and to it alone', async () => {
    const productId = await stockedProduct(200, { w1: 5 });
    const { userId, token } = await customer();
    const { body } = await placeOrder(token, [{ productId, quantity: 1 }]);
    await idle();

    const name = unique('late-consumer');
    const created = await call('POST', '/_sandbox/events/rules', { body: { name, eventPattern: { source: ['commerce.orders'], detail: { orderId: [body.orderId] } } } });
    expect(created.status).toBe(201);
    type Received = { detail: ListedEvent['detail']; 'replay-name'?: string };
    const received = async () => ((await call('GET', '/_sandbox/events/rules')).body.rules as Array<{ name: string; received?: Received[] }>).find((r) => r.name === name)!.received!;
    expect(await received()).toEqual([]);

    const replay = await call('POST', '/_sandbox/events/replay', { body: { rule: name } });
    expect(replay.body).toMatchObject({ events: 2 });
    const got = await received();
    expect(got.map((event) => event.detail.seq)).toEqual([1, 2]);
    expect(got.every((event) => event['replay-name'] === replay.body.replayName)).toBe(true);
    await idle();
    expect(await mailFor(`${userId}@example.com`)).toHaveLength(1);
  });

  it('a customer without an email address gets none, and nothing fails', async () => {
    const productId = await stockedProduct(100, { w1: 5 });
    const userId = unique('u');
    const token = (await call('POST', '/_sandbox/token', { body: { sub: userId } })).body.token as string;
    const { body } = await placeOrder(token, [{ productId, quantity: 1 }]);
    await idle();
    expect((await eventsOf(body.orderId)).map((event) => event.detailType)).toContain('OrderConfirmed');
    const mail = ((await call('GET', '/_sandbox/mail')).body.messages as Mail[]).filter((m) => m.subject.includes(body.orderId));
    expect(mail).toEqual([]);
    const queues = (await call('GET', '/_sandbox/queues')).body.queues as Array<{ logicalId: string; visible: number }>;
    expect(queues.filter((q) => q.logicalId.includes('Notification')).map((q) => q.visible)).toEqual([0, 0]);
  });

  it('a failed send is retried and the customer still gets exactly one email', async () => {
    const productId = await stockedProduct(100, { w1: 5 });
    const { userId, token } = await customer();
    // One invocation's worth of failures: the SDK's three attempts.
    expect((await call('POST', '/_sandbox/faults', { body: { service: 'ses', operation: 'SendEmail', count: 3 } })).status).toBe(200);
    await placeOrder(token, [{ productId, quantity: 1 }]);
    await idle();
    expect((await call('GET', '/_sandbox/faults')).body.faults).toEqual([]);
    expect(await mailFor(`${userId}@example.com`)).toHaveLength(1);
  });

  it('a send that keeps failing is dead-lettered on NotificationFailures with the event, never dropped silently', async () => {
    const productId = await stockedProduct(100, { w1: 5 });
    const { userId, token } = await customer();
    // Every attempt of the first invocation and of Lambda's two retries.
    await call('POST', '/_sandbox/faults', { body: { service: 'ses', operation: 'SendEmail', count: 9 } });
    const { body } = await placeOrder(token, [{ productId, quantity: 1 }]);
    await idle();
    expect(await mailFor(`${userId}@example.com`)).toEqual([]);
    const { sqsEndpoint, queues } = (await call('GET', '/_sandbox/info')).body as { sqsEndpoint: string; queues: Record<string, string> };
    const queueUrl = Object.entries(queues).find(([id]) => id.includes('NotificationFailures'))![1];
    const sqs = new SQSClient({ endpoint: sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const records = Messages.map((message) => JSON.parse(message.Body!));
      const ours = records.find((record) => record.requestPayload?.detail?.orderId === body.orderId);
      expect(ours).toMatchObject({ requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 }, requestPayload: { 'detail-type': 'OrderConfirmed' } });
      for (const message of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
    } finally {
      sqs.destroy();
    }
    // The claim was given up: the archive replayed to the notification rule now sends the one email.
    await call('POST', '/_sandbox/events/replay', { body: { rule: await notificationRule() } });
    await idle();
    expect(await mailFor(`${userId}@example.com`)).toHaveLength(1);
  });
});
