import { expect } from 'vitest';
import { call, tokenFor, unique } from './client.ts';

let adminToken: string | undefined;
export async function admin(): Promise<string> {
  adminToken ??= await tokenFor('admin-it', { admin: true });
  return adminToken;
}

/** A product with stock spread over warehouses, e.g. stockedProduct(500, { w1: 6, w2: 4 }). */
export async function stockedProduct(priceCents: number, stock: Record<string, number>): Promise<string> {
  const productId = unique('p');
  const token = await admin();
  expect((await call('PUT', `/products/${productId}`, { token, body: { name: `Product ${productId}`, priceCents } })).status).toBe(200);
  for (const [warehouseId, available] of Object.entries(stock)) {
    expect((await call('PUT', `/products/${productId}/inventory/${warehouseId}`, { token, body: { available } })).status).toBe(200);
  }
  return productId;
}

/** A signed-up customer (PUT /me done) and their token. */
export async function customer(): Promise<{ userId: string; token: string }> {
  const userId = unique('u');
  const token = await tokenFor(userId, { email: `${userId}@example.com` });
  expect((await call('PUT', '/me', { token, body: { email: `${userId}@example.com`, name: 'Test Customer' } })).status).toBe(200);
  return { userId, token };
}

export async function placeOrder(token: string, items: Array<{ productId: string; quantity: number }>, paymentToken = 'tok_ok', key = unique('idem')) {
  return call('POST', '/orders', {
    token,
    headers: { 'idempotency-key': key },
    body: { items, paymentToken },
  });
}

export async function stockOf(productId: string): Promise<number> {
  const reply = await call<{ total: number }>('GET', `/products/${productId}/inventory`, { token: await admin() });
  expect(reply.status).toBe(200);
  return reply.body.total;
}

export const today = () => new Date().toISOString().slice(0, 10);

/** A warehouse's stock as the schema-1 code wrote it: one item, no bucket in its key (decision 0013). */
export const schemaOneStockItem = (productId: string, warehouseId: string, available: number) => ({
  pk: `$commerce#productId_${productId}`,
  sk: `$inventory_1#warehouseId_${warehouseId}`,
  __edb_e__: 'inventory',
  __edb_v__: '1',
  productId,
  warehouseId,
  available,
  schemaVersion: 1,
  updatedAt: '2025-06-01T00:00:00.000Z',
});
