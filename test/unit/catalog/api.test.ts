import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { adminClaims, httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
// Imported after the mock: the module starts warming its cache (a table read) as it loads.
let handler: typeof import('../../../lambdas/catalog/api.ts').handler;

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

const getProduct = (productId: string, headers: Record<string, string> = {}) =>
  handler(httpEvent({ routeKey: 'GET /products/{productId}', pathParameters: { productId }, headers, claims: null }), lambdaContext);
const listCategory = (categoryId: string, query?: Record<string, string>, headers: Record<string, string> = {}) =>
  handler(httpEvent({ routeKey: 'GET /categories/{categoryId}/products', pathParameters: { categoryId }, ...(query ? { query } : {}), headers, claims: null }), lambdaContext);
const putProduct = (productId: string, body: unknown) =>
  handler(httpEvent({ routeKey: 'PUT /products/{productId}', pathParameters: { productId }, body, claims: adminClaims }), lambdaContext);
const readsOf = (productId: string) =>
  dynamo.commandCalls(GetCommand).filter((call) => call.args[0].input.Key?.pk === productKey(productId).pk);

beforeAll(async () => {
  dynamo.on(GetCommand).resolves({});
  ({ handler } = await import('../../../lambdas/catalog/api.ts'));
});

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(TransactWriteCommand).resolves({});
});

describe('GET /products/{productId}', () => {
  it('answers the product with public caching headers, and then from the instance cache', async () => {
    dynamo.on(GetCommand, { Key: productKey('p-cached') }).resolves({ Item: stored('p-cached') });
    const first = await getProduct('p-cached');
    expect(first.statusCode).toBe(200);
    expect(parseBody(first)).toEqual({ productId: 'p-cached', name: 'Product p-cached', description: '', priceCents: 500, currency: 'USD', categories: [], attributes: { color: 'red' } });
    expect(first.headers?.['cache-control']).toMatch(/^public, max-age=\d+, stale-while-revalidate=\d+$/);
    expect(first.headers?.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);

    const second = await getProduct('p-cached');
    expect(second.body).toBe(first.body);
    expect(readsOf('p-cached')).toHaveLength(1);
  });

  it('answers 304 with no body when If-None-Match names the current ETag, 200 otherwise', async () => {
    dynamo.on(GetCommand, { Key: productKey('p-etag') }).resolves({ Item: stored('p-etag') });
    const { headers } = await getProduct('p-etag');
    const etag = headers!.etag as string;

    const notModified = await getProduct('p-etag', { 'if-none-match': etag });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');
    expect(notModified.headers).toMatchObject({ etag, 'cache-control': headers!['cache-control'] });

    const stale = await getProduct('p-etag', { 'if-none-match': '"something-else"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.headers?.etag).toBe(etag);
  });

  it('remembers an unknown product briefly, so a hot unknown id does not reach the table', async () => {
    const first = await getProduct('p-ghost');
    expect(first.statusCode).toBe(404);
    expect(first.headers?.['cache-control']).toBeUndefined();
    expect((await getProduct('p-ghost')).statusCode).toBe(404);
    expect(readsOf('p-ghost')).toHaveLength(1);
  });

  it('refuses a malformed id without reading', async () => {
    expect((await getProduct('a b')).statusCode).toBe(400);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });
});

describe('PUT /products/{productId}', () => {
  it('writes the product and its memberships in one transaction, dropping removed categories', async () => {
    dynamo.on(GetCommand, { Key: productKey('p-put') }).resolves({ Item: stored('p-put', { categories: ['a', 'b'], createdAt: '2025-06-01T00:00:00.000Z' }) });
    const result = await putProduct('p-put', { name: 'Mug', priceCents: 900, categories: ['b', 'c'], attributes: { size: 'L' } });
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['cache-control']).toBeUndefined();
    expect(parseBody(result)).toEqual({ productId: 'p-put', name: 'Mug', description: '', priceCents: 900, currency: 'USD', categories: ['b', 'c'], attributes: { size: 'L' } });

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

  it('creates a new product only if it still does not exist, and serves it from the cache afterwards', async () => {
    const result = await putProduct('p-new', { name: 'Plate', priceCents: 1200 });
    expect(result.statusCode).toBe(200);
    const [product, ...others] = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(product!.Put!.ConditionExpression).toBe('attribute_not_exists(#productId)');
    expect(others).toEqual([]);

    const read = await getProduct('p-new');
    expect(parseBody(read)).toMatchObject({ productId: 'p-new', priceCents: 1200 });
    expect(readsOf('p-new')).toHaveLength(1); // the PUT's own read; GET was served from memory
  });

  it('replaces a cached product in this instance when it writes it', async () => {
    dynamo.on(GetCommand, { Key: productKey('p-rewrite') }).resolves({ Item: stored('p-rewrite') });
    await getProduct('p-rewrite');
    await putProduct('p-rewrite', { name: 'Renamed', priceCents: 700 });
    expect(parseBody(await getProduct('p-rewrite'))).toMatchObject({ name: 'Renamed', priceCents: 700 });
  });

  it('re-reads and retries when a concurrent writer got there first, then gives up with 409', async () => {
    const lost = new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] });
    dynamo.on(TransactWriteCommand).rejectsOnce(lost).resolves({});
    expect((await putProduct('p-race', { name: 'Bowl', priceCents: 100 })).statusCode).toBe(200);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(readsOf('p-race')).toHaveLength(2);

    const busy = new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'TransactionConflict' }] });
    dynamo.resetHistory();
    dynamo.on(TransactWriteCommand).rejectsOnce(busy).resolves({});
    expect((await putProduct('p-race', { name: 'Bowl', priceCents: 100 })).statusCode).toBe(200);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);

    dynamo.on(TransactWriteCommand).rejects(lost);
    const conflict = await putProduct('p-race', { name: 'Bowl', priceCents: 100 });
    expect(conflict.statusCode).toBe(409);
    expect(parseBody(conflict).error.code).toBe('CONCURRENT_UPDATE');
  });

  it('refuses more than 10 or repeated categories before writing', async () => {
    const tooMany = Array.from({ length: 11 }, (_, i) => `c${i}`);
    expect((await putProduct('p-bad', { name: 'X', priceCents: 1, categories: tooMany })).statusCode).toBe(400);
    expect((await putProduct('p-bad', { name: 'X', priceCents: 1, categories: ['a', 'a'] })).statusCode).toBe(400);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('GET /categories/{categoryId}/products', () => {
  it('reads one page on gsi1 in productId order and hands out a cursor only when more follow', async () => {
    dynamo.on(QueryCommand).resolves({ Items: ['p1', 'p2', 'p3'].map((id) => membership(id, 'garden')) });
    const first = await listCategory('garden', { limit: '2' });
    expect(first.statusCode).toBe(200);
    const page = parseBody(first);
    expect(page.items.map((item: { productId: string }) => item.productId)).toEqual(['p1', 'p2']);
    expect(page.items[0]).toEqual({ productId: 'p1', name: 'Product p1', description: '', priceCents: 500, currency: 'USD', categories: ['garden'], attributes: {} });
    expect(first.headers?.['cache-control']).toMatch(/^public/);
    expect(first.headers?.etag).toBeDefined();
    const [query] = dynamo.commandCalls(QueryCommand);
    expect(query!.args[0].input).toMatchObject({
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk and begins_with(#sk1, :sk1)',
      ExpressionAttributeValues: { ':pk': '$commerce#categoryId_garden', ':sk1': '$productCategory_1#productId_' },
      Limit: 3,
    });

    dynamo.on(QueryCommand).resolves({ Items: [membership('p3', 'garden')] });
    const second = parseBody(await listCategory('garden', { limit: '2', cursor: page.nextCursor }));
    expect(second).toMatchObject({ items: [{ productId: 'p3' }], nextCursor: null });
    expect(dynamo.commandCalls(QueryCommand)[1]!.args[0].input).toMatchObject({
      KeyConditionExpression: '#pk = :pk and #sk1 > :sk1',
      ExpressionAttributeValues: { ':sk1': '$productCategory_1#productId_p2' },
    });
  });

  it('answers 304 to a client holding the current page', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [membership('p1', 'kitchen')] });
    const { headers } = await listCategory('kitchen');
    const again = await listCategory('kitchen', undefined, { 'if-none-match': headers!.etag as string });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('refuses a bad limit, a foreign cursor or a malformed category id without reading', async () => {
    dynamo.on(QueryCommand).resolves({ Items: ['p1', 'p2'].map((id) => membership(id, 'garden')) });
    const cursor = parseBody(await listCategory('garden', { limit: '1' })).nextCursor;
    dynamo.resetHistory();
    expect((await listCategory('kitchen', { cursor })).statusCode).toBe(400);
    expect((await listCategory('garden', { limit: '0' })).statusCode).toBe(400);
    expect((await listCategory('garden', { limit: '101' })).statusCode).toBe(400);
    expect((await listCategory('garden', { cursor: 'garbage' })).statusCode).toBe(400);
    expect((await listCategory('g/x')).statusCode).toBe(400);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

describe('the catalog function at cold start', () => {
  it('warms its cache from the top-products board with one GetItem and one BatchGetItem', async () => {
    dynamo.on(GetCommand, { Key: { pk: '$commerce#board_top', sk: '$topProducts_1' } }).resolves({
      Item: { pk: '$commerce#board_top', sk: '$topProducts_1', __edb_e__: 'topProducts', __edb_v__: '1', board: 'top', products: [{ productId: 'hot-1', unitsSold: 9 }, { productId: 'hot-2', unitsSold: 4 }], version: 3, schemaVersion: 1 },
    });
    dynamo.on(BatchGetCommand).callsFake((input) => ({
      Responses: { [Object.keys(input.RequestItems)[0]!]: [stored('hot-1'), stored('hot-2')] },
      UnprocessedKeys: {},
    }));
    vi.resetModules();
    const fresh = await import('../../../lambdas/catalog/api.ts');
    const { productCacheWarmed } = await import('../../../lambdas/catalog/reads.ts');
    await productCacheWarmed;
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(1);

    const read = await fresh.handler(httpEvent({ routeKey: 'GET /products/{productId}', pathParameters: { productId: 'hot-2' }, claims: null }), lambdaContext);
    expect(parseBody(read)).toMatchObject({ productId: 'hot-2' });
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('serves requests when warming fails', async () => {
    dynamo.on(GetCommand).rejects(new Error('table unreachable'));
    vi.resetModules();
    const fresh = await import('../../../lambdas/catalog/api.ts');
    const { productCacheWarmed } = await import('../../../lambdas/catalog/reads.ts');
    await expect(productCacheWarmed).resolves.toBeUndefined();

    dynamo.on(GetCommand, { Key: productKey('p-after') }).resolves({ Item: stored('p-after') });
    const read = await fresh.handler(httpEvent({ routeKey: 'GET /products/{productId}', pathParameters: { productId: 'p-after' }, claims: null }), lambdaContext);
    expect(read.statusCode).toBe(200);
  });
});
