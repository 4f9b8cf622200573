import { describe, expect, it } from 'vitest';
import { defendedReads, warmProductCache } from '../../../lambdas/catalog/reads.ts';
import {
  type CatalogRoutePorts,
  getInventoryRoute,
  getProductRoute,
  listCategoryProductsRoute,
  putInventoryRoute,
  putProductRoute,
} from '../../../lambdas/catalog/routes.ts';
import { ConflictError } from '../../../lambdas/domain/errors.ts';
import { apiHandler } from '../../../lambdas/http/api-handler.ts';
import type { HttpEvent } from '../../../lambdas/http/request.ts';
import { adminClaims, httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';
import { fakeCatalog, product } from '../shop-fakes.ts';

/** The catalog routes over an in-memory table, through the instance's real cache and breakers. */
function setup(products = [product('p-cached', { attributes: { color: 'red' } })]) {
  const catalog = fakeCatalog(products);
  const reads = defendedReads(catalog.store, { max: 100, ttlSeconds: 60 });
  const ports: CatalogRoutePorts = { reads, store: catalog.store, now: () => new Date().toISOString() };
  const handler = apiHandler({
    'GET /products/{productId}': (event: HttpEvent) => getProductRoute(event, ports),
    'GET /categories/{categoryId}/products': (event: HttpEvent) => listCategoryProductsRoute(event, ports),
    'PUT /products/{productId}': (event: HttpEvent) => putProductRoute(event, ports),
  });
  const getProduct = (productId: string, headers: Record<string, string> = {}) =>
    handler(httpEvent({ routeKey: 'GET /products/{productId}', pathParameters: { productId }, headers, claims: null }), lambdaContext);
  const listCategory = (categoryId: string, query?: Record<string, string>, headers: Record<string, string> = {}) =>
    handler(httpEvent({ routeKey: 'GET /categories/{categoryId}/products', pathParameters: { categoryId }, ...(query ? { query } : {}), headers, claims: null }), lambdaContext);
  const putProduct = (productId: string, body: unknown) =>
    handler(httpEvent({ routeKey: 'PUT /products/{productId}', pathParameters: { productId }, body, claims: adminClaims }), lambdaContext);
  const readsOf = (productId: string) => catalog.state.reads.filter((id) => id === productId);
  return { catalog: catalog.state, reads, getProduct, listCategory, putProduct, readsOf };
}

describe('GET /products/{productId}', () => {
  it('answers the product with public caching headers, and then from the instance cache', async () => {
    const { getProduct, readsOf } = setup();
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
    const { getProduct } = setup();
    const { headers } = await getProduct('p-cached');
    const etag = headers!.etag as string;

    const notModified = await getProduct('p-cached', { 'if-none-match': etag });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');
    expect(notModified.headers).toMatchObject({ etag, 'cache-control': headers!['cache-control'] });

    const stale = await getProduct('p-cached', { 'if-none-match': '"something-else"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.headers?.etag).toBe(etag);
  });

  it('remembers an unknown product briefly, so a hot unknown id does not reach the table', async () => {
    const { getProduct, readsOf } = setup();
    const first = await getProduct('p-ghost');
    expect(first.statusCode).toBe(404);
    expect(first.headers?.['cache-control']).toBeUndefined();
    expect((await getProduct('p-ghost')).statusCode).toBe(404);
    expect(readsOf('p-ghost')).toHaveLength(1);
  });

  it('refuses a malformed id without reading', async () => {
    const { catalog, getProduct } = setup();
    expect((await getProduct('a b')).statusCode).toBe(400);
    expect(catalog.reads).toHaveLength(0);
  });
});

describe('PUT /products/{productId}', () => {
  it('answers the written product with the catalog defaults and no public caching', async () => {
    const { putProduct } = setup([product('p-put', { categories: ['a', 'b'] })]);
    const result = await putProduct('p-put', { name: 'Mug', priceCents: 900, categories: ['b', 'c'], attributes: { size: 'L' } });
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['cache-control']).toBeUndefined();
    expect(parseBody(result)).toEqual({ productId: 'p-put', name: 'Mug', description: '', priceCents: 900, currency: 'USD', categories: ['b', 'c'], attributes: { size: 'L' } });
  });

  it('creates a new product and serves it from the cache afterwards', async () => {
    const { catalog, getProduct, putProduct, readsOf } = setup();
    expect((await putProduct('p-new', { name: 'Plate', priceCents: 1200 })).statusCode).toBe(200);
    expect(catalog.replaced).toEqual([{ productId: 'p-new', previous: undefined }]);
    const read = await getProduct('p-new');
    expect(parseBody(read)).toMatchObject({ productId: 'p-new', priceCents: 1200 });
    expect(readsOf('p-new')).toHaveLength(1); // the PUT's own read; GET was served from memory
  });

  it('replaces a cached product in this instance when it writes it', async () => {
    const { getProduct, putProduct } = setup([product('p-rewrite')]);
    await getProduct('p-rewrite');
    await putProduct('p-rewrite', { name: 'Renamed', priceCents: 700 });
    expect(parseBody(await getProduct('p-rewrite'))).toMatchObject({ name: 'Renamed', priceCents: 700 });
  });

  it('answers 409 CONFLICT (SPEC §4) when concurrent writers keep getting there first', async () => {
    const { catalog, putProduct } = setup();
    catalog.contend = 99;
    const conflict = await putProduct('p-race', { name: 'Bowl', priceCents: 100 });
    expect(conflict.statusCode).toBe(409);
    expect(parseBody(conflict).error.code).toBe('CONFLICT');
  });

  it('refuses more than 10 or repeated categories before writing', async () => {
    const { catalog, putProduct } = setup();
    const tooMany = Array.from({ length: 11 }, (_, i) => `c${i}`);
    expect((await putProduct('p-bad', { name: 'X', priceCents: 1, categories: tooMany })).statusCode).toBe(400);
    expect((await putProduct('p-bad', { name: 'X', priceCents: 1, categories: ['a', 'a'] })).statusCode).toBe(400);
    expect(catalog.replaced).toHaveLength(0);
  });
});

describe('GET /categories/{categoryId}/products', () => {
  const garden = ['p1', 'p2', 'p3'].map((id) => product(id, { categories: ['garden'] }));

  it('answers a page in productId order with public caching, and a cursor only when more follow', async () => {
    const { listCategory } = setup(garden);
    const first = await listCategory('garden', { limit: '2' });
    expect(first.statusCode).toBe(200);
    const page = parseBody(first);
    expect(page.items.map((item: { productId: string }) => item.productId)).toEqual(['p1', 'p2']);
    expect(page.items[0]).toEqual({ productId: 'p1', name: 'Product p1', description: '', priceCents: 500, currency: 'USD', categories: ['garden'], attributes: {} });
    expect(first.headers?.['cache-control']).toMatch(/^public/);
    expect(first.headers?.etag).toBeDefined();

    const second = parseBody(await listCategory('garden', { limit: '2', cursor: page.nextCursor }));
    expect(second).toMatchObject({ items: [{ productId: 'p3' }], nextCursor: null });
  });

  it('answers 304 to a client holding the current page', async () => {
    const { listCategory } = setup([product('p1', { categories: ['kitchen'] })]);
    const { headers } = await listCategory('kitchen');
    const again = await listCategory('kitchen', undefined, { 'if-none-match': headers!.etag as string });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('refuses a bad limit, a foreign cursor or a malformed category id without reading', async () => {
    const { catalog, listCategory } = setup(garden);
    const cursor = parseBody(await listCategory('garden', { limit: '1' })).nextCursor;
    catalog.pages.length = 0;
    expect((await listCategory('kitchen', { cursor })).statusCode).toBe(400);
    expect((await listCategory('garden', { limit: '0' })).statusCode).toBe(400);
    expect((await listCategory('garden', { limit: '101' })).statusCode).toBe(400);
    expect((await listCategory('garden', { cursor: 'garbage' })).statusCode).toBe(400);
    expect((await listCategory('g/x')).statusCode).toBe(400);
    expect(catalog.pages).toHaveLength(0);
  });
});

describe('the catalog function at cold start', () => {
  it('warms its cache from the best sellers with one board read and one batch read', async () => {
    const { catalog, reads, getProduct, readsOf } = setup([product('hot-1'), product('hot-2')]);
    const calls = { board: 0, batch: 0 };
    await warmProductCache({
      bestSellers: async () => (calls.board++, ['hot-1', 'hot-2']),
      catalog: { products: async (ids) => (calls.batch++, new Map(ids.map((id) => [id, catalog.products.get(id)!]))) },
      reads,
    });
    expect(calls).toEqual({ board: 1, batch: 1 });
    expect(parseBody(await getProduct('hot-2'))).toMatchObject({ productId: 'hot-2' });
    expect(readsOf('hot-2')).toHaveLength(0);
  });

  it('serves requests when warming fails', async () => {
    const { reads, getProduct } = setup([product('p-after')]);
    const unreachable = async (): Promise<string[]> => {
      throw new Error('table unreachable');
    };
    await expect(warmProductCache({ bestSellers: unreachable, catalog: { products: async () => new Map() }, reads })).resolves.toBeUndefined();
    expect((await getProduct('p-after')).statusCode).toBe(200);
  });
});

describe('the inventory routes over stock in buckets (decision 0013)', () => {
  function inventoryRoutes(store: CatalogRoutePorts['store']) {
    const ports: CatalogRoutePorts = { reads: defendedReads(store, { max: 10, ttlSeconds: 60 }), store, now: () => new Date().toISOString() };
    const handler = apiHandler({
      'PUT /products/{productId}/inventory/{warehouseId}': (event: HttpEvent) => putInventoryRoute(event, ports),
      'GET /products/{productId}/inventory': (event: HttpEvent) => getInventoryRoute(event, ports),
    });
    return {
      put: (productId: string, warehouseId: string, body: unknown) =>
        handler(httpEvent({ routeKey: 'PUT /products/{productId}/inventory/{warehouseId}', pathParameters: { productId, warehouseId }, body, claims: adminClaims }), lambdaContext),
      get: (productId: string) => handler(httpEvent({ routeKey: 'GET /products/{productId}/inventory', pathParameters: { productId }, claims: adminClaims }), lambdaContext),
    };
  }

  it('GET answers each warehouse once, its buckets summed, in the shape of SPEC §4', async () => {
    const { store } = fakeCatalog([product('p-b')]);
    const buckets = [{ warehouseId: 'w1', available: 2 }, { warehouseId: 'w1', bucket: 0, available: 3 }, { warehouseId: 'w1', bucket: 1, available: 1 }, { warehouseId: 'w2', bucket: 0, available: 4 }];
    const { get } = inventoryRoutes({ ...store, stock: async () => buckets });
    const reply = await get('p-b');
    expect(reply.statusCode).toBe(200);
    expect(parseBody(reply)).toEqual({ productId: 'p-b', total: 10, warehouses: [{ warehouseId: 'w1', available: 6 }, { warehouseId: 'w2', available: 4 }] });
  });

  it('PUT answers 409 CONFLICT when the write keeps losing to settlements on the same buckets', async () => {
    const { store } = fakeCatalog([product('p-busy')]);
    const { put } = inventoryRoutes({
      ...store,
      setStock: async () => {
        throw new ConflictError('The stock is being changed concurrently; retry');
      },
    });
    const reply = await put('p-busy', 'w1', { available: 5 });
    expect(reply.statusCode).toBe(409);
    expect(parseBody(reply)).toMatchObject({ error: { code: 'CONFLICT' } });
  });
});
