import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
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
