import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, idle } from './client.ts';
import { customer, placeOrder, stockedProduct } from './fixtures.ts';
import { inProcess } from './in-process.ts';

/**
 * Lambda delivers stream records at least once. Replays the batch that confirmed an order through
 * the projector itself, in this process, against the sandbox's DynamoDB Local: nothing may change.
 */
describe('order projections under redelivery', () => {
  let dynamodb: DynamoDBClient;
  let tableName: string;

  beforeAll(async () => {
    const { sandbox } = await inProcess();
    tableName = sandbox.tableName;
    dynamodb = new DynamoDBClient({ endpoint: sandbox.dynamodbEndpoint });
  });

  it('replaying the same stream batch changes nothing', async () => {
    const productId = await stockedProduct(450, { w1: 5 });
    const { token } = await customer();
    const { body } = await placeOrder(token, [{ productId, quantity: 2 }]);
    await idle();
    const before = await Promise.all([call('GET', '/me', { token }), call('GET', '/me/orders', { token })]);
    expect(before[0].body.stats).toEqual({ orderCount: 1, lifetimeValueCents: 900 });

    const key = { pk: { S: `$commerce#orderId_${body.orderId}` }, sk: { S: '$order_1' } };
    const confirmed = (await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: key }))).Item!;
    const pending = { ...confirmed, status: { S: 'PENDING' }, totalCents: { N: '0' } };
    const batch: DynamoDBStreamEvent = {
      Records: [
        { eventID: 'a', eventName: 'INSERT', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1', dynamodb: { Keys: key, NewImage: pending, SequenceNumber: '1', StreamViewType: 'NEW_AND_OLD_IMAGES' } },
        { eventID: 'b', eventName: 'MODIFY', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1', dynamodb: { Keys: key, NewImage: confirmed, OldImage: pending, SequenceNumber: '2', StreamViewType: 'NEW_AND_OLD_IMAGES' } },
      ],
    } as unknown as DynamoDBStreamEvent;

    const { handler } = await import('../../lambdas/projections/project-orders.ts');
    const context = { functionName: 'replay', awsRequestId: 'r' } as Context;
    expect((await handler(batch, context)).batchItemFailures).toEqual([]);
    expect((await handler(batch, context)).batchItemFailures).toEqual([]);

    const after = await Promise.all([call('GET', '/me', { token }), call('GET', '/me/orders', { token })]);
    expect(after[0].body).toEqual(before[0].body);
    expect(after[1].body).toEqual(before[1].body);
  });
});
