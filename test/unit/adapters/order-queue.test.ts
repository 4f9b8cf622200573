import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { enqueueSettlements, messageBody } from '../../../lambdas/adapters/order-queue.ts';
import { outboxRecordOf, pendingOrderCopyOf } from '../../../lambdas/adapters/outbox-records.ts';
import { settlementMessageSchema } from '../../../lambdas/ports/settlement-message.ts';

/** The order queue's SendMessageBatch (SDK mocked), and the copy of a PENDING order the relay takes from the stream. */
const sqs = mockClient(SQSClient);
const copy = {
  userId: 'user-ü\uFFFF',
  items: [{ productId: 'p1', quantity: 2 }],
  promotionCode: 'SAVE10',
  paymentToken: 'tok_ok',
  cartLines: [{ productId: 'p1', quantity: 2, addedAt: '2026-11-24T09:00:00.000Z' }],
  eventSeq: 1,
  createdAt: '2026-11-24T10:00:00.000Z',
};
const bodies = () => sqs.commandCalls(SendMessageBatchCommand).flatMap((call) => call.args[0].input.Entries!.map((entry) => entry.MessageBody!));

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});

describe('enqueueSettlements', () => {
  it('sends the order id with the copy of the PENDING order, and the id alone without one', async () => {
    expect(await enqueueSettlements([{ orderId: 'o1', order: copy }, { orderId: 'o2' }])).toEqual([]);
    expect(bodies().map((body) => JSON.parse(body))).toEqual([{ orderId: 'o1', order: copy }, { orderId: 'o2' }]);
  });

  it('writes bodies in ASCII, which SQS always takes, and the worker reads back exactly', async () => {
    await enqueueSettlements([{ orderId: 'o1', order: copy }]);
    const [body] = bodies();
    expect(body).toMatch(/^[\x20-\x7e]*$/);
    expect(body).toContain('\\uffff');
    expect(settlementMessageSchema.parse(JSON.parse(body!))).toEqual({ orderId: 'o1', order: copy });
    expect(messageBody({ orderId: 'o-😀' })).toBe('{"orderId":"o-\\ud83d\\ude00"}');
    expect(JSON.parse(messageBody({ orderId: 'o-😀' }))).toEqual({ orderId: 'o-😀' });
  });

  it('answers the ids SQS did not take, ten messages per call', async () => {
    sqs.on(SendMessageBatchCommand).resolvesOnce({ Failed: [{ Id: '3', Code: 'InternalError', SenderFault: false }] }).resolves({ Failed: [] });
    const requests = Array.from({ length: 12 }, (_, i) => ({ orderId: `o${i}` }));
    expect(await enqueueSettlements(requests)).toEqual(['o3']);
    expect(sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries!.length)).toEqual([10, 2]);
  });
});

describe('the copy of a PENDING order from its stream image', () => {
  // The item as placement writes it (lambdas/model/order.ts), keys and ElectroDB's attributes included.
  const item = {
    pk: '$commerce#orderId_o1',
    sk: '$order_1',
    gsi1pk: '$commerce#day_2026-11-24#shard_3',
    __edb_e__: 'order',
    __edb_v__: '1',
    orderId: 'o1',
    status: 'PENDING',
    subtotalCents: 0,
    discountCents: 0,
    totalCents: 0,
    fromCart: true,
    day: '2026-11-24',
    shard: 3,
    schemaVersion: 1,
    updatedAt: '2026-11-24T10:00:00.000Z',
    ...copy,
  };

  it('carries exactly what settlement needs, and passes the worker\'s schema', () => {
    const [record] = outboxRecordOf({ eventName: 'INSERT', dynamodb: { SequenceNumber: '7', NewImage: marshall(item) as never } });
    expect(record).toEqual({ position: '7', kind: 'placed', orderId: 'o1', order: copy });
    expect(settlementMessageSchema.parse({ orderId: 'o1', order: copy }).order).toEqual(copy);
  });

  it.each([
    ['no payment token (placed before it was kept with the order)', { paymentToken: undefined }],
    ['no lines', { items: [] }],
    ['a line without a quantity', { items: [{ productId: 'p1' }] }],
    ['no event sequence number', { eventSeq: undefined }],
    ['a cart line without its time', { cartLines: [{ productId: 'p1', quantity: 1 }] }],
  ])('is left out for an image with %s: the worker reads the order', (_, change) => {
    expect(pendingOrderCopyOf({ ...item, ...change })).toBeUndefined();
    const [record] = outboxRecordOf({ eventName: 'INSERT', dynamodb: { SequenceNumber: '8', NewImage: marshall({ ...item, ...change }, { removeUndefinedValues: true }) as never } });
    expect(record).toEqual({ position: '8', kind: 'placed', orderId: 'o1' });
  });
});
