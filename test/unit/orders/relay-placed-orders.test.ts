import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../lambdas/orders/relay-placed-orders.ts';
import { lambdaContext } from '../lambda-events.ts';

const sqs = mockClient(SQSClient);

const inserted = (orderId: string, sequenceNumber: string): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: { SequenceNumber: sequenceNumber, NewImage: { orderId: { S: orderId }, status: { S: 'PENDING' }, __edb_e__: { S: 'order' } } },
});
const batch = (count: number): DynamoDBStreamEvent => ({
  Records: Array.from({ length: count }, (_, i) => inserted(`o${i}`, String(100 + i))),
});
const sentIds = () =>
  sqs.commandCalls(SendMessageBatchCommand).flatMap((call) => call.args[0].input.Entries!.map((entry) => JSON.parse(entry.MessageBody!).orderId as string));

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});

describe('the outbox relay', () => {
  it('puts every placed order on the order queue, ten per call, with nothing but its id', async () => {
    const result = await handler(batch(23), lambdaContext);
    expect(result.batchItemFailures).toEqual([]);
    expect(sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries!.length)).toEqual([10, 10, 3]);
    expect(sentIds()).toEqual(Array.from({ length: 23 }, (_, i) => `o${i}`));
    const [first] = sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!;
    expect(JSON.parse(first!.MessageBody!)).toEqual({ orderId: 'o0' });
  });

  it('reports the records whose messages SQS did not take, so the stream retries just those', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '2', Code: 'InternalError', SenderFault: false }] });
    const result = await handler(batch(3), lambdaContext);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '102' }]);
  });

  it('reports every record when the queue is unreachable', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('connect ECONNREFUSED'));
    const result = await handler(batch(2), lambdaContext);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '100' }, { itemIdentifier: '101' }]);
  });
});

describe('the outbox relay publishing order events', () => {
  const eventBridge = mockClient(EventBridgeClient);
  const logged = (orderId: string, seq: number, type: string, data: Record<string, unknown>, sequenceNumber: string): DynamoDBRecord => ({
    eventName: 'INSERT',
    dynamodb: {
      SequenceNumber: sequenceNumber,
      NewImage: marshall({
        pk: `$commerce#orderId_${orderId}`,
        sk: `$orderEvent_1#seq_${String(seq).padStart(6, '0')}`,
        __edb_e__: 'orderEvent',
        __edb_v__: '1',
        orderId,
        seq,
        userId: 'u-1',
        type,
        at: '2026-03-01T10:00:00.000Z',
        data,
        schemaVersion: 1,
      }) as never,
    },
  });

  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).callsFake(({ Entries }) => ({ FailedEntryCount: 0, Entries: Entries.map((_: unknown, i: number) => ({ EventId: `e${i}` })) }));
  });

  it('puts each logged event on the bus: source commerce.orders, its type, its time, detail without keys or owner', async () => {
    const result = await handler({ Records: [logged('o1', 4, 'OrderConfirmed', { subtotalCents: 10, discountCents: 0, totalCents: 10 }, '500')] }, lambdaContext);
    expect(result.batchItemFailures).toEqual([]);
    const [entry] = eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
    expect(entry).toMatchObject({ EventBusName: 'commerce-orders-unit', Source: 'commerce.orders', DetailType: 'OrderConfirmed', Time: new Date('2026-03-01T10:00:00.000Z') });
    expect(JSON.parse(entry!.Detail!)).toEqual({ orderId: 'o1', seq: 4, at: '2026-03-01T10:00:00.000Z', data: { subtotalCents: 10, discountCents: 0, totalCents: 10 }, schemaVersion: 1 });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('answers the events the bus refused, and those of the order that came after them', async () => {
    eventBridge.on(PutEventsCommand).callsFake(({ Entries }) => ({
      FailedEntryCount: 1,
      Entries: Entries.map((entry: { Detail: string }, i: number) => (JSON.parse(entry.Detail).orderId === 'o2' ? { ErrorCode: 'InternalFailure' } : { EventId: `e${i}` })),
    }));
    const records = [logged('o1', 1, 'OrderPlaced', { items: [] }, '600'), logged('o2', 1, 'OrderPlaced', { items: [] }, '601'), logged('o2', 2, 'OrderRejected', { reason: 'OUT_OF_STOCK' }, '602')];
    const result = await handler({ Records: records }, lambdaContext);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '601' }, { itemIdentifier: '602' }]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('queues a placed order and publishes its OrderPlaced from the same batch', async () => {
    const result = await handler({ Records: [inserted('o3', '700'), logged('o3', 1, 'OrderPlaced', { items: [] }, '701')] }, lambdaContext);
    expect(result.batchItemFailures).toEqual([]);
    expect(sentIds()).toEqual(['o3']);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });
});
