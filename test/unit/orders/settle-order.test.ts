import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../lambdas/orders/settle-order.ts';
import { lambdaContext, sqsRecord } from '../lambda-events.ts';

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
      { Records: [sqsRecord('m1', message('done')), sqsRecord('m2', '{not json'), sqsRecord('m3', JSON.stringify({ paymentToken: 'tok_ok' }))] },
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

  describe('with a promotion code', () => {
    const order = { ...orderItem('o3', 'PENDING'), items: [{ productId: 'p1', quantity: 2 }], promotionCode: 'SAVE10' };
    const promotion = { __edb_e__: 'promotion', __edb_v__: '1', pk: '$commerce#code_SAVE10', sk: '$promotion_1', code: 'SAVE10', percentOff: 10, maxRedemptions: 3, redemptions: 1, updatedAt: 'u' };

    beforeEach(() => {
      dynamo.on(GetCommand, { Key: { pk: '$commerce#orderId_o3', sk: '$order_1' } }).resolves({ Item: order });
      dynamo.on(GetCommand, { Key: { pk: '$commerce#code_SAVE10', sk: '$promotion_1' } }).resolves({ Item: promotion });
      dynamo.on(QueryCommand).resolves({ Items: [{ __edb_e__: 'inventory', __edb_v__: '1', productId: 'p1', warehouseId: 'w1', available: 5, updatedAt: 'u' }] });
      dynamo.on(BatchGetCommand).callsFake((input) => ({
        Responses: { [Object.keys(input.RequestItems)[0]!]: [{ __edb_e__: 'product', __edb_v__: '1', pk: '$commerce#productId_p1', sk: '$product_1', productId: 'p1', name: 'P', priceCents: 1000, createdAt: 'c', updatedAt: 'u' }] },
        UnprocessedKeys: {},
      }));
    });

    it('reads the promotion consistently and redeems it in the settlement transaction, under its cap and expiry', async () => {
      const result = (await handler({ Records: [sqsRecord('m1', message('o3'))] }, lambdaContext)) as SQSBatchResponse;
      expect(result.batchItemFailures).toEqual([]);
      const read = dynamo.commandCalls(GetCommand).find((call) => call.args[0].input.Key!.pk === '$commerce#code_SAVE10');
      expect(read!.args[0].input.ConsistentRead).toBe(true);
      const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
      expect(items[0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':subtotalCents_u0': 2000, ':discountCents_u0': 200, ':totalCents_u0': 1800 });
      const redemption = items[1]!.Update!;
      expect(redemption.Key).toEqual({ pk: '$commerce#code_SAVE10', sk: '$promotion_1' });
      expect(redemption.UpdateExpression).toContain('ADD #redemptions');
      expect(redemption.ConditionExpression).toContain('attribute_exists(#pk)');
      expect(redemption.ConditionExpression).toContain('(attribute_not_exists(#maxRedemptions) OR #redemptions < #maxRedemptions)');
      expect(redemption.ConditionExpression).toMatch(/\(attribute_not_exists\(#validUntil\) OR #validUntil > :validUntil\w*\)/);
      expect(items.find((item) => item.Put?.Item?.__edb_e__ === 'payment')!.Put!.Item).toMatchObject({ amountCents: 1800, status: 'AUTHORIZED' });
    });

    it('rejects INVALID_PROMOTION with a voided payment when the redemption condition cancels the transaction', async () => {
      const canceled = Object.assign(new Error('Transaction cancelled'), {
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }],
      });
      dynamo.on(TransactWriteCommand).rejectsOnce(canceled).resolves({});
      const result = (await handler({ Records: [sqsRecord('m1', message('o3'))] }, lambdaContext)) as SQSBatchResponse;
      expect(result.batchItemFailures).toEqual([]);
      const [, rejection] = dynamo.commandCalls(TransactWriteCommand);
      const items = rejection!.args[0].input.TransactItems!;
      expect(items[0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':status_u0': 'REJECTED', ':rejectionReason_u0': 'INVALID_PROMOTION' });
      expect(items.find((item) => item.Put?.Item?.__edb_e__ === 'payment')!.Put!.Item).toMatchObject({ status: 'VOIDED', amountCents: 1800 });
    });
  });

  it('removes the ordered cart lines of a confirmed fromCart order, each only while unchanged, also on redelivery', async () => {
    const cartLines = [
      { productId: 'p1', quantity: 1, addedAt: '2026-11-24T09:00:00.000Z' },
      { productId: 'p2', quantity: 3, addedAt: '2026-11-24T09:01:00.000Z' },
    ];
    dynamo.on(GetCommand).resolves({ Item: { ...orderItem('o4', 'CONFIRMED'), fromCart: true, cartLines } });
    // The second line was changed after the order was placed: its condition fails and it stays.
    dynamo.on(DeleteCommand).resolves({});
    dynamo
      .on(DeleteCommand, { Key: { pk: '$commerce#userId_u1', sk: '$cartItem_1#productId_p2' } })
      .rejects(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }));
    const result = (await handler({ Records: [sqsRecord('m1', message('o4'))] }, lambdaContext)) as SQSBatchResponse;
    expect(result.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    const deletes = dynamo.commandCalls(DeleteCommand).map((call) => call.args[0].input);
    expect(deletes.map((input) => input.Key!.sk)).toEqual(['$cartItem_1#productId_p1', '$cartItem_1#productId_p2']);
    expect(deletes[0]!.ConditionExpression).toBe('#quantity = :quantity0 AND #addedAt = :addedAt0');
    expect(deletes[0]!.ExpressionAttributeValues).toEqual({ ':quantity0': 1, ':addedAt0': '2026-11-24T09:00:00.000Z' });
  });
});
