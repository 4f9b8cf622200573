import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { commitConfirmation, commitRejection } from '../../../lambdas/adapters/settlement-store.ts';
import { confirmationEvents, type Order, rejectionEvents } from '../../../lambdas/domain/order-rules.ts';

/** The settling writes with the SDK mocked: the guards every settlement transaction carries, and what a cancellation means. */
const dynamo = mockClient(DynamoDBDocumentClient);

const order = (extra: Partial<Order> = {}): Order => ({
  orderId: 'o1',
  userId: 'u1',
  status: 'PENDING',
  items: [{ productId: 'p1', quantity: 2 }],
  eventSeq: 1,
  createdAt: '2026-11-24T10:00:00.000Z',
  updatedAt: '2026-11-24T10:00:00.000Z',
  ...extra,
});
const allocations = [{ productId: 'p1', warehouseId: 'w1', quantity: 2 }];
const totals = { subtotalCents: 2000, discountCents: 200, totalCents: 1800 };
const confirmation = (promotionCode?: string) => ({
  order: order(promotionCode ? { promotionCode } : {}),
  lines: [{ productId: 'p1', quantity: 2, unitPriceCents: 1000 }],
  totals,
  ...(promotionCode ? { promotionCode } : {}),
  allocations,
  payment: { provider: 'simulated', reference: 'sim_o1', amountCents: 1800, status: 'AUTHORIZED' as const },
  events: confirmationEvents(1, allocations, { reference: 'sim_o1', amountCents: 1800 }, totals),
  now: '2026-11-24T10:00:01.000Z',
});
const canceled = (codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });
const transactItems = () => dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;

beforeEach(() => {
  dynamo.reset();
  dynamo.on(TransactWriteCommand).resolves({});
});

describe('commitConfirmation', () => {
  it('confirms in one transaction guarded by PENDING, decrements stock only while enough is left, and appends the payment and events', async () => {
    expect(await commitConfirmation(confirmation())).toBe('committed');
    const items = transactItems();
    expect(items[0]!.Update!.ConditionExpression).toMatch(/#status = :status\w* AND #eventSeq = :eventSeq\w*/);
    expect(items[0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':status_u0': 'CONFIRMED', ':totalCents_u0': 1800 });
    expect(items[1]!.Update!.ConditionExpression).toContain('#available >= ');
    expect(items.filter((item) => item.Put?.Item?.__edb_e__ === 'orderEvent').map((item) => item.Put!.Item!.type)).toEqual(['OrderConfirmed']);
    expect(items).toHaveLength(4); // order, one stock decrement, payment, OrderConfirmed: the bound of docs/data-model.md
    expect(items.find((item) => item.Put?.Item?.__edb_e__ === 'payment')!.Put!.Item).toMatchObject({ amountCents: 1800, status: 'AUTHORIZED' });
  });

  it('redeems a promotion in the same transaction, under its cap and before its expiry', async () => {
    await commitConfirmation(confirmation('SAVE10'));
    const items = transactItems();
    expect(items[0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':subtotalCents_u0': 2000, ':discountCents_u0': 200, ':totalCents_u0': 1800 });
    const redemption = items[1]!.Update!;
    expect(redemption.Key).toEqual({ pk: '$commerce#code_SAVE10', sk: '$promotion_1' });
    expect(redemption.UpdateExpression).toContain('ADD #redemptions');
    expect(redemption.ConditionExpression).toContain('attribute_exists(#pk)');
    expect(redemption.ConditionExpression).toContain('(attribute_not_exists(#maxRedemptions) OR #redemptions < #maxRedemptions)');
    expect(redemption.ConditionExpression).toMatch(/\(attribute_not_exists\(#validUntil\) OR #validUntil > :validUntil\w*\)/);
  });

  it('tells from the cancellation reasons what stood in the way', async () => {
    const cases: Array<[string[], boolean, string]> = [
      [['ConditionalCheckFailed', 'None', 'None'], false, 'already-settled'],
      [['None', 'ConditionalCheckFailed', 'None'], true, 'promotion-unavailable'],
      [['None', 'ConditionalCheckFailed', 'None'], false, 'stock-changed'],
      [['None', 'TransactionConflict', 'None'], false, 'conflict'],
    ];
    for (const [codes, withPromotion, outcome] of cases) {
      dynamo.reset();
      dynamo.on(TransactWriteCommand).rejects(canceled(codes));
      expect(await commitConfirmation(confirmation(withPromotion ? 'SAVE10' : undefined))).toBe(outcome);
    }
  });
});

describe('commitConfirmation: stock in buckets (decision 0013)', () => {
  it('decrements each bucket taken under its own units, and a schema-1 item by its old key', async () => {
    const taken = [
      { productId: 'p1', warehouseId: 'w1', bucket: 3, quantity: 1 },
      { productId: 'p1', warehouseId: 'w1', bucket: 11, quantity: 2 },
      { productId: 'p1', warehouseId: 'w0', quantity: 1 },
    ];
    expect(await commitConfirmation({ ...confirmation(), allocations: taken })).toBe('committed');
    const decrements = transactItems().filter((item) => item.Update?.Key?.sk?.startsWith('$inventory_1'));
    expect(decrements.map((item) => item.Update!.Key)).toEqual([
      { pk: '$commerce#productId_p1', sk: '$inventory_1#warehouseId_w1#bucket_3' },
      { pk: '$commerce#productId_p1', sk: '$inventory_1#warehouseId_w1#bucket_11' },
      { pk: '$commerce#productId_p1', sk: '$inventory_1#warehouseId_w0' },
    ]);
    for (const [i, { Update }] of decrements.entries()) {
      // The bucket must exist and still hold what is taken from it: never below zero.
      expect(Update!.ConditionExpression).toMatch(/attribute_exists\(#pk\) AND attribute_exists\(#sk\)/);
      const [, guard] = /#available >= (:available\w*)/.exec(Update!.ConditionExpression!)!;
      const [, taking] = /SET #available = \(if_not_exists\(#available, :\w+\) - (:available\w*)\)/.exec(Update!.UpdateExpression!)!;
      expect([Update!.ExpressionAttributeValues![guard!], Update!.ExpressionAttributeValues![taking!]]).toEqual([taken[i]!.quantity, taken[i]!.quantity]);
    }
  });
});

describe('commitRejection', () => {
  it('rejects with its reason under the same PENDING guard, and records a voided payment when there was one', async () => {
    const result = await commitRejection({
      order: order(),
      reason: 'INVALID_PROMOTION',
      events: rejectionEvents(1, 'INVALID_PROMOTION'),
      payment: { provider: 'simulated', reference: 'sim_o1', amountCents: 1800, status: 'VOIDED' },
      now: '2026-11-24T10:00:01.000Z',
    });
    expect(result).toBe('committed');
    const items = transactItems();
    expect(items[0]!.Update!.ConditionExpression).toContain('#status = :status');
    expect(items[0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':status_u0': 'REJECTED', ':rejectionReason_u0': 'INVALID_PROMOTION' });
    expect(items.find((item) => item.Put?.Item?.__edb_e__ === 'payment')!.Put!.Item).toMatchObject({ status: 'VOIDED', amountCents: 1800 });
  });
});
