import { beforeAll, describe, expect, it } from 'vitest';
import { call, unique } from './client.ts';
import { admin } from './fixtures.ts';
import { commands, inProcess } from './in-process.ts';

/**
 * Products ↔ categories, many-to-many, against the sandbox: PUT /products keeps the memberships in
 * step in both directions (AP4 on gsi1, AP5 in the product's partition), each read one Query.
 */
type Product = { productId: string; name: string; priceCents: number; categories: string[]; attributes: Record<string, unknown> };

async function putProduct(productId: string, body: Record<string, unknown>): Promise<Product> {
  const reply = await call<Product>('PUT', `/products/${productId}`, { token: await admin(), body });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
}

async function productsIn(categoryId: string, query = ''): Promise<{ items: Product[]; nextCursor: string | null }> {
  const reply = await call('GET', `/categories/${categoryId}/products${query}`);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
}

describe('catalog categories', () => {
  let harness: Awaited<ReturnType<typeof inProcess>>;
  beforeAll(async () => {
    harness = await inProcess();
  });

  it('follows a product as its categories are added, changed and removed, in both directions', async () => {
    const { getCategoriesOfProduct } = await import('../../lambdas/adapters/catalog-store.ts');
    const [kitchen, garden, sale] = [unique('kitchen'), unique('garden'), unique('sale')];
    const productId = unique('p');

    const created = await putProduct(productId, { name: 'Watering can', priceCents: 1500, categories: [kitchen, garden], attributes: { litres: 5 } });
    expect((await productsIn(kitchen)).items).toEqual([created]);
    expect((await productsIn(garden)).items).toEqual([created]);
    expect((await getCategoriesOfProduct(productId)).sort()).toEqual([kitchen, garden].sort());

    const moved = await putProduct(productId, { name: 'Watering can', priceCents: 1200, categories: [garden, sale], attributes: { litres: 5, colour: 'green' } });
    expect((await productsIn(kitchen)).items).toEqual([]);
    expect((await productsIn(garden)).items).toEqual([moved]);
    expect((await productsIn(sale)).items).toEqual([{ ...moved, priceCents: 1200, attributes: { litres: 5, colour: 'green' } }]);
    expect((await getCategoriesOfProduct(productId)).sort()).toEqual([garden, sale].sort());
    expect((await call('GET', `/products/${productId}`)).body).toEqual(moved);

    await putProduct(productId, { name: 'Watering can', priceCents: 1200 });
    expect((await productsIn(garden)).items).toEqual([]);
    expect((await productsIn(sale)).items).toEqual([]);
    expect(await getCategoriesOfProduct(productId)).toEqual([]);
  });

  it('leaves memberships matching the product after concurrent writes with different categories', async () => {
    const { getCategoriesOfProduct, getProduct } = await import('../../lambdas/adapters/catalog-store.ts');
    const productId = unique('racy');
    const pool = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => unique(`racy-${name}`));
    const replies = await Promise.all(
      pool.map(async (_, i) =>
        call('PUT', `/products/${productId}`, { token: await admin(), body: { name: `Writer ${i}`, priceCents: i, categories: [pool[i]!, pool[(i + 1) % pool.length]!] } }),
      ),
    );
    expect(replies.every((reply) => reply.status === 200 || reply.status === 409)).toBe(true);
    expect(replies.some((reply) => reply.status === 200)).toBe(true);

    // From the table: GET may be answered by an instance that cached a write overwritten since.
    const product = (await getProduct(productId))!;
    expect((await getCategoriesOfProduct(productId)).sort()).toEqual([...product.categories].sort());
    for (const categoryId of pool) {
      const listed = (await productsIn(categoryId)).items.map((item) => item.productId);
      expect(listed).toEqual(product.categories.includes(categoryId) ? [productId] : []);
    }
  });

  it('pages a category in productId order with an opaque cursor, and refuses a cursor of another category', async () => {
    const category = unique('paged');
    const prefix = unique('pp');
    const ids = ['a', 'b', 'c', 'd', 'e'].map((suffix) => `${prefix}-${suffix}`);
    for (const productId of [...ids].reverse()) await putProduct(productId, { name: productId, priceCents: 100, categories: [category] });

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = await productsIn(category, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      pages.push(page.items.map((item) => item.productId));
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 10);
    expect(pages).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);

    const first = await productsIn(category, '?limit=1');
    const foreign = await call('GET', `/categories/${unique('other')}/products?cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('AP4 products of a category: one Query on gsi1, also for the next page', async () => {
    const { listCategoryProducts } = await import('../../lambdas/adapters/catalog-store.ts');
    const category = unique('ap4');
    const [first, second] = [unique('ap4p-a'), unique('ap4p-b')].sort();
    await putProduct(first!, { name: 'First', priceCents: 1, categories: [category] });
    await putProduct(second!, { name: 'Second', priceCents: 2, categories: [category] });

    const page = await harness.count(() => listCategoryProducts(category, { limit: 1 }));
    expect(page.result.items.map((item) => item.productId)).toEqual([first]);
    expect(page.result.after).toBe(first);
    expect(commands(page.requests)).toEqual(['QueryCommand']);
    expect(page.requests[0]!.input.IndexName).toBe('gsi1');

    const next = await harness.count(() => listCategoryProducts(category, { limit: 1, after: first! }));
    expect(next.result).toMatchObject({ items: [{ productId: second }], after: null });
    expect(commands(next.requests)).toEqual(['QueryCommand']);
  });

  it("AP5 categories of a product: one Query on the product's partition", async () => {
    const { getCategoriesOfProduct } = await import('../../lambdas/adapters/catalog-store.ts');
    const productId = unique('ap5');
    const categories = [unique('c1'), unique('c2'), unique('c3')];
    await putProduct(productId, { name: 'Many', priceCents: 1, categories });
    const { result, requests } = await harness.count(() => getCategoriesOfProduct(productId));
    expect(result.sort()).toEqual([...categories].sort());
    expect(commands(requests)).toEqual(['QueryCommand']);
    expect(requests[0]!.input.IndexName).toBeUndefined();
  });

  it('a product write is one consistent GetItem and one transaction of product + memberships', async () => {
    const { catalogStore } = await import('../../lambdas/adapters/catalog-store.ts');
    const { putProduct: writeProduct } = await import('../../lambdas/catalog/put-product.ts');
    const ports = { products: catalogStore, cache: { remember: () => {} }, now: () => new Date().toISOString() };
    const productId = unique('tx');
    await putProduct(productId, { name: 'Before', priceCents: 1, categories: ['tx-a', 'tx-b'] });
    const { requests } = await harness.count(() =>
      writeProduct({ product: { productId, name: 'After', priceCents: 2, categories: ['tx-b', 'tx-c'] } }, ports),
    );
    expect(commands(requests)).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);
    expect(requests[0]!.input.ConsistentRead).toBe(true);
    const items = requests[1]!.input.TransactItems as Array<{ Put?: unknown; Delete?: unknown }>;
    expect(items.map((item) => (item.Put ? 'Put' : 'Delete'))).toEqual(['Put', 'Put', 'Put', 'Delete']);
  });
});
