import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { catalogStore } from '../../../lambdas/adapters/catalog-store.ts';
import { putProduct } from '../../../lambdas/catalog/put-product.ts';
import type { ProductInput } from '../../../lambdas/domain/catalog.ts';

/**
 * The catalog store's requests, with the SDK mocked: the product write (driven by its use case) with
 * its version guard and memberships, and the category page on gsi1.
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
