import { BatchGetCommand, type BatchGetCommandInput, DynamoDBDocumentClient, GetCommand, TransactWriteCommand, type TransactWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { getUnitsSold, readTopProductsBoard, saveTopProducts } from '../../../lambdas/adapters/sales-store.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

const sales = [
  { productId: 'p1', units: 2, revenueCents: 1000 },
  { productId: 'p2', units: 1, revenueCents: 300 },
];
const cancel = (...codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });
const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

beforeEach(() => {
  dynamo.reset();
  dynamo.on(TransactWriteCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
});

describe('getUnitsSold', () => {
  it('reads the products’ sales in one consistent BatchGetItem, 0 for a product never sold', async () => {
    dynamo.on(BatchGetCommand).callsFake(async (input: BatchGetCommandInput) => {
      const [tableName] = Object.keys(input.RequestItems!);
      return { Responses: { [tableName!]: [{ __edb_e__: 'productSales', __edb_v__: '1', pk: '$commerce#productId_p1', sk: '$productSales_1', productId: 'p1', unitsSold: 7, revenueCents: 700, schemaVersion: 1 }] }, UnprocessedKeys: {} };
    });
    expect(await getUnitsSold(['p1', 'p2'])).toEqual(new Map([['p1', 7], ['p2', 0]]));
    const reads = dynamo.commandCalls(BatchGetCommand);
    expect(reads).toHaveLength(1);
    expect(reads.every((call) => Object.values(call.args[0].input.RequestItems!).every((request) => request.ConsistentRead))).toBe(true);
  });
});

describe('the top-products board', () => {
  it('is read consistently, with its version', async () => {
    dynamo.on(GetCommand).resolves({ Item: { __edb_e__: 'topProducts', __edb_v__: '1', pk: '$commerce#board_top', sk: '$topProducts_1', board: 'top', products: [{ productId: 'p1', unitsSold: 2 }], version: 3, schemaVersion: 1 } });
    expect(await readTopProductsBoard()).toEqual({ products: [{ productId: 'p1', unitsSold: 2 }], version: 3 });
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({ Key: { pk: '$commerce#board_top' }, ConsistentRead: true });
  });

  it('is saved at the version read, and answers raced when someone saved first', async () => {
    const products = [{ productId: 'p1', unitsSold: 2 }, { productId: 'p2', unitsSold: 1 }];
    expect(await saveTopProducts(products, undefined)).toBe('saved');
    expect(await saveTopProducts(products, 3)).toBe('saved');
    const [first, next] = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(first!.ExpressionAttributeValues).toMatchObject({ ':products_u0': products, ':version_u0': 1 });
    expect(first!.ConditionExpression).toBe('attribute_not_exists(#version)');
    expect([next!.ConditionExpression, next!.ExpressionAttributeValues![':version0'], next!.ExpressionAttributeValues![':version_u0']]).toEqual(['#version = :version0', 3, 4]);
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    expect(await saveTopProducts(products, 3)).toBe('raced');
  });
});
