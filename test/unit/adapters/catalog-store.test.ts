import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { catalogStore, stockWrites } from '../../../lambdas/adapters/catalog-store.ts';
import { putInventory } from '../../../lambdas/catalog/put-inventory.ts';
import { putProduct } from '../../../lambdas/catalog/put-product.ts';
import type { ProductInput } from '../../../lambdas/domain/catalog.ts';
import { ConflictError } from '../../../lambdas/domain/errors.ts';

/**
 * The catalog store's requests, with the SDK mocked: the product write (driven by its use case) with
 * its version guard and memberships, the category page on gsi1, and stock in buckets.
 */
const dynamo = mockClient(DynamoDBDocumentClient);

const productKey = (productId: string) => ({ pk: `$commerce#productId_${productId}`, sk: '$product_1' });
const stored = (productId: string, fields: Record<string, unknown> = {}) => ({
  ...productKey(productId),
  __edb_e__: 'product',
  __edb_v__: '1',
  productId,
  name: `Product ${productId}`,
  description: '',
  priceCents: 500,
  currency: 'USD',
  categories: [],
  attributes: { color: 'red' },
  schemaVersion: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...fields,
});
const membership = (productId: string, categoryId: string) => ({
  pk: `$commerce#productId_${productId}`,
  sk: `$productCategory_1#categoryId_${categoryId}`,
  gsi1pk: `$commerce#categoryId_${categoryId}`,
  gsi1sk: `$productCategory_1#productId_${productId}`,
  __edb_e__: 'productCategory',
  __edb_v__: '1',
  productId,
  categoryId,
  name: `Product ${productId}`,
  description: '',
  priceCents: 500,
  currency: 'USD',
  categories: [categoryId],
  attributes: {},
  schemaVersion: 1,
});
const readsOf = (productId: string) =>
  dynamo.commandCalls(GetCommand).filter((call) => call.args[0].input.Key?.pk === productKey(productId).pk);
const ports = { products: catalogStore, cache: { remember: () => {} }, now: () => new Date().toISOString() };
const write = (product: ProductInput) => putProduct({ product }, ports);

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(TransactWriteCommand).resolves({});
});

describe('catalogStore.currentVersion and replaceProduct', () => {
  it('writes the product and its memberships in one transaction, dropping removed categories', async () => {
    dynamo.on(GetCommand, { Key: productKey('p-put') }).resolves({ Item: stored('p-put', { categories: ['a', 'b'], createdAt: '2025-06-01T00:00:00.000Z' }) });
    const put = await write({ productId: 'p-put', name: 'Mug', priceCents: 900, categories: ['b', 'c'], attributes: { size: 'L' } });
    expect(put).toEqual({
      outcome: 'put',
      product: expect.objectContaining({
        productId: 'p-put', name: 'Mug', description: '', priceCents: 900, currency: 'USD', categories: ['b', 'c'], attributes: { size: 'L' },
      }),
    });

    expect(readsOf('p-put')[0]!.args[0].input.ConsistentRead).toBe(true);
    const writes = dynamo.commandCalls(TransactWriteCommand);
    expect(writes).toHaveLength(1);
    const [product, ...memberships] = writes[0]!.args[0].input.TransactItems!;
    expect(product!.Put).toMatchObject({
      Item: { ...productKey('p-put'), name: 'Mug', priceCents: 900, createdAt: '2025-06-01T00:00:00.000Z' },
      ConditionExpression: '#updatedAt = :updatedAt0',
      ExpressionAttributeValues: { ':updatedAt0': '2026-01-01T00:00:00.000Z' },
    });
    const copy = { productId: 'p-put', name: 'Mug', description: '', priceCents: 900, currency: 'USD', categories: ['b', 'c'], attributes: { size: 'L' } };
    expect(memberships.map((item) => item.Put?.Item ?? item.Delete?.Key)).toEqual([
      expect.objectContaining({ ...copy, categoryId: 'b', gsi1pk: '$commerce#categoryId_b', gsi1sk: '$productCategory_1#productId_p-put' }),
      expect.objectContaining({ ...copy, categoryId: 'c', gsi1pk: '$commerce#categoryId_c' }),
      { pk: '$commerce#productId_p-put', sk: '$productCategory_1#categoryId_a' },
    ]);
  });

  it('creates a new product only if it still does not exist', async () => {
    expect((await write({ productId: 'p-new', name: 'Plate', priceCents: 1200 })).outcome).toBe('put');
    const [product, ...others] = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(product!.Put!.ConditionExpression).toBe('attribute_not_exists(#productId)');
    expect(others).toEqual([]);
  });

  it("answers 'contended' when a concurrent writer got there first, so the write reads and retries, then gives up", async () => {
    const lost = new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] });
    dynamo.on(TransactWriteCommand).rejectsOnce(lost).resolves({});
    expect((await write({ productId: 'p-race', name: 'Bowl', priceCents: 100 })).outcome).toBe('put');
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(readsOf('p-race')).toHaveLength(2);

    const busy = new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'TransactionConflict' }] });
    dynamo.resetHistory();
    dynamo.on(TransactWriteCommand).rejectsOnce(busy).resolves({});
    expect((await write({ productId: 'p-race', name: 'Bowl', priceCents: 100 })).outcome).toBe('put');
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);

    dynamo.on(TransactWriteCommand).rejects(lost);
    expect(await write({ productId: 'p-race', name: 'Bowl', priceCents: 100 })).toEqual({ outcome: 'contended' });
  });
});

describe('catalogStore.categoryPage', () => {
  it('reads one page on gsi1 in productId order, continuing after the last id', async () => {
    dynamo.on(QueryCommand).resolves({ Items: ['p1', 'p2', 'p3'].map((id) => membership(id, 'garden')) });
    const page = await catalogStore.categoryPage('garden', { limit: 2 });
    expect(page.items.map((item) => item.productId)).toEqual(['p1', 'p2']);
    expect(page.after).toBe('p2');
    const [query] = dynamo.commandCalls(QueryCommand);
    expect(query!.args[0].input).toMatchObject({
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk and begins_with(#sk1, :sk1)',
      ExpressionAttributeValues: { ':pk': '$commerce#categoryId_garden', ':sk1': '$productCategory_1#productId_' },
      Limit: 3,
    });

    dynamo.on(QueryCommand).resolves({ Items: [membership('p3', 'garden')] });
    expect(await catalogStore.categoryPage('garden', { limit: 2, after: 'p2' })).toMatchObject({ items: [{ productId: 'p3' }], after: null });
    expect(dynamo.commandCalls(QueryCommand)[1]!.args[0].input).toMatchObject({
      KeyConditionExpression: '#pk = :pk and #sk1 > :sk1',
      ExpressionAttributeValues: { ':sk1': '$productCategory_1#productId_p2' },
    });
  });
});

describe('catalogStore.stock and stockWrites: a warehouse split over buckets (decision 0013)', () => {
  const productPk = '$commerce#productId_p-stock';
  const bucketItem = (warehouseId: string, bucket: number, available: number) => ({
    pk: productPk,
    sk: `$inventory_1#warehouseId_${warehouseId}#bucket_${bucket}`,
    __edb_e__: 'inventory',
    __edb_v__: '1',
    productId: 'p-stock',
    warehouseId,
    bucket,
    available,
    schemaVersion: 2,
    updatedAt: '2026-11-27T00:00:00.000Z',
  });
  /** A warehouse's stock as schema 1 wrote it: one item, no bucket in its key. */
  const schemaOneItem = (warehouseId: string, available: number) => ({
    pk: productPk,
    sk: `$inventory_1#warehouseId_${warehouseId}`,
    __edb_e__: 'inventory',
    __edb_v__: '1',
    productId: 'p-stock',
    warehouseId,
    available,
    schemaVersion: 1,
    updatedAt: '2025-01-01T00:00:00.000Z',
  });
  const now = '2026-11-27T12:00:00.000Z';
  const canceled = (codes: string[]) => new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

  it('AP6 reads every bucket and every schema-1 item of the product in one Query', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [schemaOneItem('w0', 4), bucketItem('w1', 0, 3), bucketItem('w1', 1, 2)] });
    expect(await catalogStore.stock('p-stock')).toEqual([
      { warehouseId: 'w0', available: 4 },
      { warehouseId: 'w1', bucket: 0, available: 3 },
      { warehouseId: 'w1', bucket: 1, available: 2 },
    ]);
    const queries = dynamo.commandCalls(QueryCommand);
    expect(queries).toHaveLength(1);
    expect(queries[0]!.args[0].input).toMatchObject({
      KeyConditionExpression: '#pk = :pk and begins_with(#sk1, :sk1)',
      ExpressionAttributeValues: { ':pk': productPk, ':sk1': '$inventory_1#warehouseId_' },
    });
  });

  it('puts every bucket with the units spread over them in one transaction, deleting what held the warehouse before', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [schemaOneItem('w1', 9), bucketItem('w1', 0, 1), bucketItem('w1', 5, 2), bucketItem('w2', 7, 3), schemaOneItem('w2', 1)],
    });
    await stockWrites(4).setStock('p-stock', 'w1', 10, now);

    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
    const writes = dynamo.commandCalls(TransactWriteCommand);
    expect(writes).toHaveLength(1);
    const items = writes[0]!.args[0].input.TransactItems!;
    expect(items.filter((item) => item.Put).map((item) => item.Put!.Item)).toEqual(
      [3, 3, 2, 2].map((available, bucket) => expect.objectContaining({ ...bucketItem('w1', bucket, available), updatedAt: now })),
    );
    // The schema-1 item and the bucket beyond the count, of this warehouse only.
    expect(items.filter((item) => item.Delete).map((item) => item.Delete!.Key)).toEqual([
      { pk: productPk, sk: '$inventory_1#warehouseId_w1#bucket_5' },
      { pk: productPk, sk: '$inventory_1#warehouseId_w1' },
    ]);
  });

  it('tries again when a settlement held a bucket just then, and answers a ConflictError when it keeps losing', async () => {
    dynamo.on(TransactWriteCommand).rejectsOnce(canceled(['TransactionConflict', 'None'])).resolves({});
    await stockWrites(2).setStock('p-stock', 'w1', 5, now);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(2);

    dynamo.on(TransactWriteCommand).rejects(canceled(['TransactionConflict', 'None']));
    await expect(stockWrites(2).setStock('p-stock', 'w1', 5, now)).rejects.toBeInstanceOf(ConflictError);

    dynamo.on(TransactWriteCommand).rejects(canceled(['ValidationError', 'None']));
    await expect(stockWrites(2).setStock('p-stock', 'w1', 5, now)).rejects.toThrow(/canceled: ValidationError/);
  });

  it('writes nothing for a product the catalog does not have', async () => {
    const ports = { catalog: catalogStore, stock: stockWrites(4), now: () => now };
    expect(await putInventory({ productId: 'p-ghost', warehouseId: 'w1', available: 3 }, ports)).toEqual({ outcome: 'unknown-product' });
    expect(dynamo.commandCalls(TransactWriteCommand)).toEqual([]);
  });
});
