import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../lambdas/orders/settle-order.ts';
import { lambdaContext, sqsRecord } from '../events.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const orderItem = (orderId: string, status: string) => ({
  __edb_e__: 'order', __edb_v__: '1', pk: `$commerce#orderId_${orderId}`, sk: '$order_1',
  orderId, userId: 'u1', status, items: [{ productId: 'p1', quantity: 1 }], eventSeq: 1, day: '2026-11-24', shard: 0, createdAt: 'c', updatedAt: 'u',
});
const message = (orderId: string) => JSON.stringify({ orderId, paymentToken: 'tok_ok' });

beforeEach(() => {
  dynamo.reset();
  dynamo.on(TransactWriteCommand).resolves({});
});

describe('settle-order worker', () => {
  it('reports only the failed records: a malformed message fails, the rest of the batch is acknowledged', async () => {
    dynamo.on(GetCommand).resolves({ Item: orderItem('done', 'CONFIRMED') });
    const result = (await handler(
      { Records: [sqsRecord('m1', message('done')), sqsRecord('m2', '{not json'), sqsRecord('m3', JSON.stringify({ orderId: 'x' }))] },
      lambdaContext,
    )) as SQSBatchResponse;
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }]);
    // The already-confirmed order is not settled again.
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('settles a PENDING order in one transaction guarded by its PENDING status', async () => {
    dynamo.on(GetCommand).resolves({ Item: orderItem('o1', 'PENDING') });
    dynamo.on(QueryCommand).resolves({ Items: [{ __edb_e__: 'inventory', __edb_v__: '1', productId: 'p1', warehouseId: 'w1', available: 5, updatedAt: 'u' }] });
    dynamo.on(TransactWriteCommand).resolves({});
    const { BatchGetCommand } = await import('@aws-sdk/lib-dynamodb');
    dynamo.on(BatchGetCommand).callsFake((input) => ({
      Responses: { [Object.keys(input.RequestItems)[0]!]: [{ __edb_e__: 'product', __edb_v__: '1', pk: '$commerce#productId_p1', sk: '$product_1', productId: 'p1', name: 'P', priceCents: 700, createdAt: 'c', updatedAt: 'u' }] },
      UnprocessedKeys: {},
    }));
    const result = (await handler({ Records: [sqsRecord('m1', message('o1'))] }, lambdaContext)) as SQSBatchResponse;
    expect(result.batchItemFailures).toEqual([]);
    const [write] = dynamo.commandCalls(TransactWriteCommand);
    const items = write!.args[0].input.TransactItems!;
    expect(items[0]!.Update!.ConditionExpression).toContain('#status = :status');
    expect(items[0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':status_u0': 'CONFIRMED', ':totalCents_u0': 700 });
    expect(items[1]!.Update!.ConditionExpression).toContain('#available >= ');
    expect(items.filter((item) => item.Put?.Item?.__edb_e__ === 'orderEvent').map((item) => item.Put!.Item!.type)).toEqual([
      'InventoryReserved',
      'PaymentAuthorized',
      'OrderConfirmed',
    ]);
  });

  it('rejects the order SETTLEMENT_FAILED on its last delivery, so a dead-lettered order is never left PENDING', async () => {
    dynamo.on(GetCommand).resolves({ Item: orderItem('o2', 'PENDING') });
    dynamo.on(QueryCommand).rejects(new Error('table unavailable'));
    const { BatchGetCommand } = await import('@aws-sdk/lib-dynamodb');
    dynamo.on(BatchGetCommand).rejects(new Error('table unavailable'));

    const early = (await handler({ Records: [sqsRecord('m1', message('o2'), 1)] }, lambdaContext).catch((e) => e)) as Error;
    expect(early).toBeInstanceOf(Error); // the whole batch failed: it comes back after the visibility timeout
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);

    await handler({ Records: [sqsRecord('m1', message('o2'), 3)] }, lambdaContext).catch(() => undefined);
    const [rejection] = dynamo.commandCalls(TransactWriteCommand);
    expect(rejection!.args[0].input.TransactItems![0]!.Update!.ExpressionAttributeValues).toMatchObject({
      ':status_u0': 'REJECTED',
      ':rejectionReason_u0': 'SETTLEMENT_FAILED',
    });
  });
});
