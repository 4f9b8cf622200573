import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Inventory } from '../../../lambdas/model/inventory.ts';
import { inventoryBuckets } from '../../../scripts/backfill/migrations.ts';
import { runBackfill } from '../../../scripts/backfill/run.ts';

/**
 * The backfill's move of schema-1 inventory items to stock buckets (decision 0013), with the SDK
 * mocked: the keys it writes are the model's, and a settlement that takes from the old item while
 * it is being moved makes it read the item again, never lose or double a unit.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const schemaOne = (available: number) => ({
  pk: '$commerce#productId_p1',
  sk: '$inventory_1#warehouseId_w1',
  __edb_e__: 'inventory',
  __edb_v__: '1',
  productId: 'p1',
  warehouseId: 'w1',
  available,
  schemaVersion: 1,
  updatedAt: '2025-06-01T00:00:00.000Z',
});
const canceled = (codes: string[]) => new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
let checkpointDir: string;
const backfill = () => runBackfill({ table: 'commerce-unit', endpoint: 'http://localhost:8000', segments: 1, checkpointDir, stockBuckets: 2, reset: true });

beforeAll(async () => {
  checkpointDir = await mkdtemp(join(tmpdir(), 'backfill-unit-'));
});
afterAll(() => rm(checkpointDir, { recursive: true, force: true }));
beforeEach(() => {
  dynamo.reset();
  dynamo.on(DescribeTableCommand).resolves({ Table: { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], ItemCount: 1 } });
  dynamo.on(ScanCommand).resolves({ Items: [schemaOne(7)], ScannedCount: 1 });
  dynamo.on(TransactWriteCommand).resolves({});
});

describe('the inventory migration', () => {
  it('writes buckets with the keys and attributes PUT inventory gives them', () => {
    const replacements = inventoryBuckets(3).replacements(schemaOne(7));
    expect(replacements.map((item) => item.available)).toEqual([3, 2, 2]);
    for (const [bucket, replacement] of replacements.entries()) {
      const { Item } = Inventory.put({ productId: 'p1', warehouseId: 'w1', bucket, available: replacement.available as number, updatedAt: '2025-06-01T00:00:00.000Z' }).params();
      expect(replacement).toEqual(Item);
    }
  });

  it('deletes the old item while it still holds what was read, and puts its buckets only where none exist, in one transaction', async () => {
    expect(await backfill()).toMatchObject({ completed: true, migrated: 1, skipped: 0, left: 0 });
    const [write] = dynamo.commandCalls(TransactWriteCommand);
    const [deletion, ...puts] = write!.args[0].input.TransactItems!;
    expect(deletion!.Delete).toMatchObject({
      Key: { pk: '$commerce#productId_p1', sk: '$inventory_1#warehouseId_w1' },
      ConditionExpression: 'attribute_exists(#a0) AND #a1 = :a1',
      ExpressionAttributeNames: { '#a0': 'pk', '#a1': 'available' },
      ExpressionAttributeValues: { ':a1': 7 },
    });
    expect(puts.map((put) => [put.Put!.Item!.sk, put.Put!.Item!.available, put.Put!.ConditionExpression])).toEqual([
      ['$inventory_1#warehouseId_w1#bucket_0', 4, 'attribute_not_exists(#key)'],
      ['$inventory_1#warehouseId_w1#bucket_1', 3, 'attribute_not_exists(#key)'],
    ]);
  });

  it('reads the item again when a settlement took from it meanwhile, and moves what is left', async () => {
    dynamo.on(TransactWriteCommand).rejectsOnce(canceled(['ConditionalCheckFailed', 'None', 'None'])).resolves({});
    dynamo.on(GetCommand).resolves({ Item: schemaOne(5) });
    expect(await backfill()).toMatchObject({ completed: true, migrated: 1, left: 0 });
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
    const retried = dynamo.commandCalls(TransactWriteCommand)[1]!.args[0].input.TransactItems!;
    expect(retried[0]!.Delete!.ExpressionAttributeValues).toEqual({ ':a1': 5 });
    expect(retried.slice(1).map((put) => put.Put!.Item!.available)).toEqual([3, 2]);
  });

  it('counts an item another run moved first as skipped, and one whose buckets exist already as left', async () => {
    dynamo.on(TransactWriteCommand).rejectsOnce(canceled(['ConditionalCheckFailed', 'None', 'None']));
    dynamo.on(GetCommand).resolves({});
    expect(await backfill()).toMatchObject({ migrated: 0, skipped: 1, left: 0 });

    dynamo.on(TransactWriteCommand).rejects(canceled(['None', 'ConditionalCheckFailed', 'None']));
    expect(await backfill()).toMatchObject({ migrated: 0, skipped: 0, left: 1 });
  });
});
