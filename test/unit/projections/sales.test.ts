import { BatchGetCommand, type BatchGetCommandInput, DynamoDBDocumentClient, GetCommand, type GetCommandInput, PutCommand, TransactWriteCommand, type TransactWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { rankTopProducts, salesOfOrder } from '../../../lambdas/domain/sales.ts';
import { handler } from '../../../lambdas/projections/project-orders.ts';
import { lambdaContext } from '../lambda-events.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

const lines = [
  { productId: 'p1', quantity: 2, unitPriceCents: 500 },
  { productId: 'p2', quantity: 1, unitPriceCents: 300 },
];
const order = (status: string) => ({
  __edb_e__: 'order', __edb_v__: '1', pk: '$commerce#orderId_01S', sk: '$order_1',
  orderId: '01S', userId: 'u1', status, items: lines, subtotalCents: 1300, totalCents: 1300,
  eventSeq: 4, day: '2026-11-24', shard: 0, createdAt: '2026-11-24T00:00:00.000Z', updatedAt: 'u',
});
const confirmed = (status = 'CONFIRMED'): DynamoDBStreamEvent => ({
  Records: [{
    eventID: '1', eventName: 'MODIFY', eventSource: 'aws:dynamodb',
    dynamodb: { SequenceNumber: '7', NewImage: marshall(order(status)) as never, OldImage: marshall(order('PENDING')) as never, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  }],
});

const board = (products: Array<{ productId: string; unitsSold: number }>, version: number) => ({
  __edb_e__: 'topProducts', __edb_v__: '1', pk: '$commerce#board_top', sk: '$topProducts_1', board: 'top', products, version, schemaVersion: 1,
});
const sales = (productId: string, unitsSold: number) => ({
  __edb_e__: 'productSales', __edb_v__: '1', pk: `$commerce#productId_${productId}`, sk: '$productSales_1', productId, unitsSold, revenueCents: unitsSold * 100, schemaVersion: 1,
});
/** Answers GetItem and BatchGetItem from a little table keyed by pk. */
const table = (items: Record<string, unknown>) => {
  dynamo.on(GetCommand).callsFake(async (input: GetCommandInput) => ({ Item: items[String(input.Key!.pk)] }));
  dynamo.on(BatchGetCommand).callsFake(async (input: BatchGetCommandInput) => {
    const [tableName, { Keys }] = Object.entries(input.RequestItems!)[0]!;
    return { Responses: { [tableName]: Keys!.map((key) => items[String(key.pk)]).filter(Boolean) }, UnprocessedKeys: {} };
  });
};

const salesTransactions = () =>
  dynamo.commandCalls(TransactWriteCommand)
    .map((call) => (call.args[0].input as TransactWriteCommandInput).TransactItems!)
    .filter((items) => items[0]!.Put?.Item?.__edb_e__ === 'projectionMark');
const boardWrites = () =>
  dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input).filter((input) => input.Key!.pk === '$commerce#board_top');
const markExists = () =>
  Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }] });
const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutCommand).resolves({});
  dynamo.on(TransactWriteCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
});

describe('product sales and top products (AP17)', () => {
  it('adds a confirmed order’s units and revenue once, with its mark, and puts the products on the board', async () => {
    table({ '$commerce#productId_p1': sales('p1', 2), '$commerce#productId_p2': sales('p2', 1) });
    expect((await handler(confirmed(), lambdaContext)).batchItemFailures).toEqual([]);

    const [items] = salesTransactions();
    expect(items).toHaveLength(3);
    expect(items![0]!.Put).toMatchObject({ Item: { orderId: '01S', projection: 'sales' } });
    expect(items![0]!.Put!.ConditionExpression).toContain('attribute_not_exists(#pk)');
    expect(items!.slice(1).map((item) => [item.Update!.Key!.pk, item.Update!.ExpressionAttributeValues![':unitsSold_u0'], item.Update!.ExpressionAttributeValues![':revenueCents_u0']])).toEqual([
      ['$commerce#productId_p1', 2, 1000],
      ['$commerce#productId_p2', 1, 300],
    ]);
    const [write] = boardWrites();
    expect(write!.ExpressionAttributeValues).toMatchObject({ ':products_u0': [{ productId: 'p1', unitsSold: 2 }, { productId: 'p2', unitsSold: 1 }], ':version_u0': 1 });
    expect(write!.ConditionExpression).toBe('attribute_not_exists(#version)');
    // The board and the sales are read consistently: the board is a read-modify-write.
    expect(dynamo.commandCalls(GetCommand).filter((call) => String(call.args[0].input.Key!.pk).match(/board|productId/)).every((call) => call.args[0].input.ConsistentRead)).toBe(true);
    const salesReads = dynamo.commandCalls(BatchGetCommand);
    expect(salesReads.length).toBeGreaterThan(0);
    expect(salesReads.every((call) => Object.values(call.args[0].input.RequestItems!).every((request) => request.ConsistentRead))).toBe(true);
  });

  it('adds nothing and rewrites nothing when the same record is delivered again', async () => {
    table({ '$commerce#board_top': board([{ productId: 'p1', unitsSold: 2 }, { productId: 'p2', unitsSold: 1 }], 1), '$commerce#productId_p1': sales('p1', 2), '$commerce#productId_p2': sales('p2', 1) });
    dynamo.on(TransactWriteCommand).rejects(markExists());
    expect((await handler(confirmed(), lambdaContext)).batchItemFailures).toEqual([]);
    expect(salesTransactions()).toHaveLength(1);
    expect(boardWrites()).toHaveLength(0);
  });

  it('completes the board on a redelivery when the sales were counted but the board was not written', async () => {
    table({ '$commerce#board_top': board([{ productId: 'p9', unitsSold: 1 }], 4), '$commerce#productId_p1': sales('p1', 2), '$commerce#productId_p2': sales('p2', 1) });
    dynamo.on(TransactWriteCommand).rejects(markExists());
    await handler(confirmed(), lambdaContext);
    expect(boardWrites().map((write) => write.ExpressionAttributeValues![':products_u0'])).toEqual([
      [{ productId: 'p1', unitsSold: 2 }, { productId: 'p2', unitsSold: 1 }, { productId: 'p9', unitsSold: 1 }],
    ]);
  });

  it('re-reads and retries the board when a concurrent projector changed it', async () => {
    table({ '$commerce#board_top': board([], 3), '$commerce#productId_p1': sales('p1', 2), '$commerce#productId_p2': sales('p2', 1) });
    dynamo.on(UpdateCommand).callsFake(async (input) => {
      if (input.Key.pk === '$commerce#board_top' && boardWrites().length === 1) throw conditionFailed();
      return {};
    });
    expect((await handler(confirmed(), lambdaContext)).batchItemFailures).toEqual([]);
    expect(boardWrites().map((write) => [write.ConditionExpression, write.ExpressionAttributeValues![':version0'], write.ExpressionAttributeValues![':version_u0']])).toEqual([
      ['#version = :version0', 3, 4],
      ['#version = :version0', 3, 4],
    ]);
  });

  it('leaves sales alone for orders that are not confirmed', async () => {
    table({});
    await handler(confirmed('REJECTED'), lambdaContext);
    await handler(confirmed('PENDING'), lambdaContext);
    expect(salesTransactions()).toHaveLength(0);
    expect(boardWrites()).toHaveLength(0);
  });
});

describe('sales rules', () => {
  it('sums each product’s lines once', () => {
    expect(salesOfOrder([...lines, { productId: 'p1', quantity: 1, unitPriceCents: 500 }])).toEqual([
      { productId: 'p1', units: 3, revenueCents: 1500 },
      { productId: 'p2', units: 1, revenueCents: 300 },
    ]);
  });

  const productId = fc.constantFrom<string>('a', 'b', 'c', 'd', 'e', 'f');
  const entry = fc.record({ productId, unitsSold: fc.nat(1000) });
  const figures = fc.array(fc.tuple(productId, fc.nat(1000))).map((pairs) => new Map(pairs));

  it('ranks at most `size` products best first, never lowering a figure, idempotently (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.productId }), figures, fc.integer({ min: 1, max: 6 }), (current, latest, size) => {
        const next = rankTopProducts(current, latest, size);
        const sorted = next.every((e, i) => i === 0 || next[i - 1]!.unitsSold > e.unitsSold || (next[i - 1]!.unitsSold === e.unitsSold && next[i - 1]!.productId < e.productId));
        const neverLower = next.every((e) => e.unitsSold >= (latest.get(e.productId) ?? 0) && e.unitsSold >= (current.find((c) => c.productId === e.productId)?.unitsSold ?? 0));
        const again = rankTopProducts(next, latest, size);
        return next.length <= size && sorted && neverLower && JSON.stringify(again) === JSON.stringify(next) && next.every((e) => e.unitsSold > 0);
      }),
    );
  });
});
