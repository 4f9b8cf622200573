import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { orderChangeOfImage, readRecentOrders, recordConfirmedOrder, saveRecentOrders, upsertHistory } from '../../../lambdas/adapters/projection-store.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
const summary = { orderId: '01A', status: 'CONFIRMED', totalCents: 900, createdAt: '2026-11-24T00:00:00.000Z' };

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutCommand).resolves({});
  dynamo.on(TransactWriteCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
});

describe('upsertHistory (AP11)', () => {
  it('puts the order unless a later status is held: PENDING only where there is none, others over PENDING', async () => {
    expect(await upsertHistory('u1', summary)).toBe('recorded');
    expect(await upsertHistory('u1', { ...summary, status: 'PENDING' })).toBe('recorded');
    const [confirmed, pending] = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(confirmed!.Item).toMatchObject({ userId: 'u1', ...summary });
    expect(confirmed!.ConditionExpression).toContain('attribute_not_exists(#orderId) OR #status = :status0');
    expect(pending!.ConditionExpression).toBe('attribute_not_exists(#orderId)');
    dynamo.on(PutCommand).rejects(conditionFailed());
    expect(await upsertHistory('u1', summary)).toBe('superseded');
  });
});

describe('recordConfirmedOrder: the read models of a confirmed order, exactly once', () => {
  const cancel = (...codes: string[]) =>
    Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });
  const sales = [
    { productId: 'p1', units: 2, revenueCents: 600 },
    { productId: 'p2', units: 1, revenueCents: 300 },
  ];
  const confirmed = { userId: 'u1', summary, recentOrders: { orders: [summary], version: 3 }, sales };

  it('puts the history entry (guarded on PENDING or none), counts the stats with the recent orders at their version, and adds the sales: one transaction', async () => {
    expect(await recordConfirmedOrder(confirmed)).toBe('recorded');
    const [items] = dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems!);
    expect(items).toHaveLength(4);
    const [history, stats, ...products] = items!;
    expect(history!.Put!.Item).toMatchObject({ __edb_e__: 'userOrder', userId: 'u1', ...summary });
    expect(history!.Put!.ConditionExpression).toContain('attribute_not_exists(#orderId) OR #status = :status0');
    expect(stats!.Update!.UpdateExpression).toMatch(/^SET .*ADD /);
    expect(stats!.Update!.ConditionExpression).toBe('#version = :version0');
    expect(stats!.Update!.ExpressionAttributeValues).toMatchObject({ ':orderCount_u0': 1, ':lifetimeValueCents_u0': 900, ':version_u0': 4, ':version0': 3, ':recentOrders_u0': [summary] });
    expect(products.map((item) => [item.Update!.Key!.pk, item.Update!.ExpressionAttributeValues![':unitsSold_u0'], item.Update!.ExpressionAttributeValues![':revenueCents_u0']])).toEqual([
      ['$commerce#productId_p1', 2, 600],
      ['$commerce#productId_p2', 1, 300],
    ]);
  });

  it('leaves the recent orders out, unconditioned, when the order does not change them', async () => {
    expect(await recordConfirmedOrder({ userId: 'u1', summary, sales })).toBe('recorded');
    const stats = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![1]!.Update!;
    expect(stats.UpdateExpression).not.toContain('recentOrders');
    expect(stats.ConditionExpression).toBeUndefined();
  });

  it('answers already-recorded, raced and contended from the cancellation, and throws for anything else', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(cancel('ConditionalCheckFailed', 'ConditionalCheckFailed', 'None', 'None'))
      .rejectsOnce(cancel('None', 'ConditionalCheckFailed', 'None', 'None'))
      .rejectsOnce(cancel('None', 'None', 'TransactionConflict', 'None'))
      .rejectsOnce(cancel('None', 'None', 'ValidationError', 'None'));
    expect(await recordConfirmedOrder(confirmed)).toBe('already-recorded');
    expect(await recordConfirmedOrder(confirmed)).toBe('raced');
    expect(await recordConfirmedOrder(confirmed)).toBe('contended');
    await expect(recordConfirmedOrder(confirmed)).rejects.toThrow('Recording confirmed order 01A was canceled: None,None,ValidationError,None');
  });
});

describe('recent orders (AP16)', () => {
  it('reads them consistently with their version', async () => {
    dynamo.on(GetCommand).resolves({ Item: { __edb_e__: 'userStats', __edb_v__: '1', pk: '$commerce#userId_u1', sk: '$account#userStats_1', userId: 'u1', recentOrders: [summary], version: 3 } });
    expect(await readRecentOrders('u1')).toEqual({ orders: [summary], version: 3 });
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
    dynamo.on(GetCommand).resolves({});
    expect(await readRecentOrders('u1')).toEqual({ orders: [], version: undefined });
  });

  it('saves them at the version read, and answers raced when someone saved first', async () => {
    expect(await saveRecentOrders('u1', [summary], undefined)).toBe('saved');
    expect(await saveRecentOrders('u1', [summary], 3)).toBe('saved');
    const [first, next] = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(first!.ExpressionAttributeValues).toMatchObject({ ':recentOrders_u0': [summary], ':version_u0': 1 });
    expect(first!.ConditionExpression).toBe('attribute_not_exists(#version)');
    expect([next!.ConditionExpression, next!.ExpressionAttributeValues![':version0'], next!.ExpressionAttributeValues![':version_u0']]).toEqual(['#version = :version0', 3, 4]);
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    expect(await saveRecentOrders('u1', [summary], 3)).toBe('raced');
  });
});

describe('orderChangeOfImage', () => {
  it('reads an order from a stream image, and nothing else', () => {
    const order = {
      __edb_e__: 'order', __edb_v__: '1', pk: '$commerce#orderId_01A', sk: '$order_1',
      orderId: '01A', userId: 'u1', status: 'CONFIRMED', items: [{ productId: 'p', quantity: 1 }], totalCents: 900,
      eventSeq: 4, day: '2026-11-24', shard: 0, createdAt: '2026-11-24T00:00:00.000Z', updatedAt: 'u',
    };
    expect(orderChangeOfImage(marshall(order))).toEqual({
      orderId: '01A', userId: 'u1', status: 'CONFIRMED', totalCents: 900, createdAt: '2026-11-24T00:00:00.000Z', items: [{ productId: 'p', quantity: 1 }],
    });
    expect(orderChangeOfImage(marshall({ __edb_e__: 'userStats', __edb_v__: '1', pk: 'p', sk: 's', userId: 'u1' }))).toBeNull();
    expect(orderChangeOfImage(undefined)).toBeNull();
  });
});
