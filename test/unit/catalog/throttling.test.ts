import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { defendedReads } from '../../../lambdas/catalog/reads.ts';
import { getProductRoute, listCategoryProductsRoute } from '../../../lambdas/catalog/routes.ts';
import { apiHandler } from '../../../lambdas/http/api-handler.ts';
import type { HttpEvent } from '../../../lambdas/http/request.ts';
import type { CategoryListing, ProductLookup } from '../../../lambdas/ports/catalog.ts';
import { httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';
import { fakeCatalog, product } from '../shop-fakes.ts';

/**
 * The catalog's circuit breakers end to end through the routes, over a store that can be made to
 * throttle: a key that keeps throttling is shed with 503 + Retry-After without reaching the store,
 * until the half-open probe.
 */
const throttled = () => Promise.reject(new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded', $metadata: {} }));

/** Per product (or for every category page): answer from the table, throttle, or fail. */
const behaviour = new Map<string, 'ok' | 'throttled' | 'broken'>();
let pagesThrottled = false;
const catalog = fakeCatalog();
const calls = { products: [] as string[], pages: 0 };
const store: ProductLookup & CategoryListing = {
  product: async (productId) => {
    calls.products.push(productId);
    const state = behaviour.get(productId) ?? 'ok';
    if (state === 'throttled') return throttled();
    if (state === 'broken') throw new Error('socket hang up');
    return product(productId);
  },
  categoryPage: async (categoryId, page) => {
    calls.pages++;
    return pagesThrottled ? throttled() : catalog.store.categoryPage(categoryId, page);
  },
};
let handler: ReturnType<typeof apiHandler>;

const getProduct = (productId: string) =>
  handler(httpEvent({ routeKey: 'GET /products/{productId}', pathParameters: { productId }, claims: null }), lambdaContext);
const listCategory = (categoryId: string) =>
  handler(httpEvent({ routeKey: 'GET /categories/{categoryId}/products', pathParameters: { categoryId }, claims: null }), lambdaContext);
const readsOf = (productId: string) => calls.products.filter((id) => id === productId);

beforeAll(() => {
  // One instance's defenses for the whole file, as in a function instance.
  const ports = { reads: defendedReads(store, { max: 1000, ttlSeconds: 60 }), store: catalog.store, now: () => new Date().toISOString() };
  handler = apiHandler({
    'GET /products/{productId}': (event: HttpEvent) => getProductRoute(event, ports),
    'GET /categories/{categoryId}/products': (event: HttpEvent) => listCategoryProductsRoute(event, ports),
  });
});

beforeEach(() => {
  calls.products.length = 0;
  calls.pages = 0;
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a product that keeps throttling', () => {
  it('is shed with 503 and Retry-After without calling the store again, until a probe succeeds', async () => {
    behaviour.set('p-hot', 'throttled');
    for (let i = 0; i < 3; i++) {
      const result = await getProduct('p-hot');
      expect(result.statusCode).toBe(503);
      expect(parseBody(result).error.code).toBe('UNAVAILABLE');
    }
    expect(readsOf('p-hot')).toHaveLength(3);

    vi.advanceTimersByTime(2_000);
    const shed = await getProduct('p-hot');
    expect(shed.statusCode).toBe(503);
    expect(shed.headers?.['retry-after']).toBe('3');
    expect(readsOf('p-hot')).toHaveLength(3);

    vi.advanceTimersByTime(3_000);
    behaviour.set('p-hot', 'ok');
    expect((await getProduct('p-hot')).statusCode).toBe(200);
    expect(readsOf('p-hot')).toHaveLength(4);
  });

  it('does not hold back other products', async () => {
    behaviour.set('p-busy', 'throttled');
    for (let i = 0; i < 4; i++) await getProduct('p-busy');
    expect((await getProduct('p-calm')).statusCode).toBe(200);
  });

  it('is not shed for errors other than throttling', async () => {
    behaviour.set('p-broken', 'broken');
    for (let i = 0; i < 6; i++) expect((await getProduct('p-broken')).statusCode).toBe(500);
    expect(readsOf('p-broken')).toHaveLength(6);
  });
});

describe('a category that keeps throttling', () => {
  it('is shed, then closes again after a successful probe', async () => {
    pagesThrottled = true;
    for (let i = 0; i < 4; i++) expect((await listCategory('busy')).statusCode).toBe(503);
    expect(calls.pages).toBe(3);

    vi.advanceTimersByTime(5_000);
    pagesThrottled = false;
    expect((await listCategory('busy')).statusCode).toBe(200);
    expect((await listCategory('busy')).statusCode).toBe(200);
    expect(calls.pages).toBe(5);
  });
});
