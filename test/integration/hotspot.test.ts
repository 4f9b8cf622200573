import { beforeAll, describe, expect, it } from 'vitest';
import { call, unique } from './client.ts';
import { admin } from './fixtures.ts';
import { commands, inProcess } from './in-process.ts';

/**
 * Hot-spot defenses of the catalog against the sandbox: HTTP caching of public reads (ETag, 304),
 * and the function's L1 product cache with its cold-start warming, requests counted.
 */
async function putProduct(productId: string, body: Record<string, unknown>) {
  const reply = await call('PUT', `/products/${productId}`, { token: await admin(), body });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply;
}

describe('HTTP caching of public reads', () => {
  it('GET /products/{id}: public Cache-Control and a strong ETag; If-None-Match answers 304 with no body', async () => {
    const productId = unique('etag');
    await putProduct(productId, { name: 'Teapot', priceCents: 3100 });

    const first = await call('GET', `/products/${productId}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toMatch(/^public, max-age=\d+, stale-while-revalidate=\d+$/);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);

    const revalidated = await call('GET', `/products/${productId}`, { headers: { 'if-none-match': etag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body).toBeNull();
    expect(revalidated.headers.get('etag')).toBe(etag);

    const other = await call('GET', `/products/${productId}`, { headers: { 'if-none-match': '"not-the-current-one"' } });
    expect(other.status).toBe(200);
    expect(other.body).toEqual(first.body);
  });

  it('GET /categories/{id}/products: the ETag follows the page, 304 while it is unchanged', async () => {
    const category = unique('etag-cat');
    await putProduct(unique('etag-a'), { name: 'A', priceCents: 1, categories: [category] });
    const before = await call('GET', `/categories/${category}/products`);
    expect(before.headers.get('cache-control')).toMatch(/^public/);
    const etag = before.headers.get('etag')!;
    expect((await call('GET', `/categories/${category}/products`, { headers: { 'if-none-match': etag } })).status).toBe(304);

    await putProduct(unique('etag-b'), { name: 'B', priceCents: 2, categories: [category] });
    const after = await call('GET', `/categories/${category}/products`, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.body.items).toHaveLength(2);
    expect(after.headers.get('etag')).not.toBe(etag);
  });

  it('keeps public caching off authenticated and failed reads', async () => {
    const productId = unique('private');
    const written = await putProduct(productId, { name: 'Private', priceCents: 1 });
    expect(written.headers.get('cache-control')).toBeNull();
    const stock = await call('GET', `/products/${productId}/inventory`, { token: await admin() });
    expect(stock.status).toBe(200);
    expect(stock.headers.get('cache-control')).toBeNull();
    const missing = await call('GET', `/products/${unique('missing')}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBeNull();
  });
});

describe('the L1 product cache of a catalog instance', () => {
  let harness: Awaited<ReturnType<typeof inProcess>>;
  beforeAll(async () => {
    harness = await inProcess();
  });

  it('warms at cold start with one GetItem of the top-products board, and one BatchGetItem if it lists products', async () => {
    const { getTopProducts } = await import('../../lambdas/adapters/sales-store.ts');
    const { requests } = await harness.count(async () => {
      const { productCacheWarmed } = await import('../../lambdas/catalog/reads.ts');
      await productCacheWarmed;
    });
    const board = await getTopProducts();
    expect(commands(requests)).toEqual(board.length > 0 ? ['GetItemCommand', 'BatchGetItemCommand'] : ['GetItemCommand']);
    expect(requests.every((request) => request.command !== 'ScanCommand')).toBe(true);
  });

  it('AP3 through the cache: a miss is one GetItem, a hit makes no request; unknown ids are remembered too', async () => {
    const { readProduct } = await import('../../lambdas/catalog/reads.ts');
    const productId = unique('l1');
    await putProduct(productId, { name: 'Cached', priceCents: 4200 });

    const miss = await harness.count(() => readProduct(productId));
    expect(miss.result?.priceCents).toBe(4200);
    expect(commands(miss.requests)).toEqual(['GetItemCommand']);
    const hit = await harness.count(() => readProduct(productId));
    expect(hit.result?.priceCents).toBe(4200);
    expect(commands(hit.requests)).toEqual([]);

    const ghost = unique('ghost');
    expect(commands((await harness.count(() => readProduct(ghost))).requests)).toEqual(['GetItemCommand']);
    const again = await harness.count(() => readProduct(ghost));
    expect(again.result).toBeUndefined();
    expect(commands(again.requests)).toEqual([]);
  });
});
