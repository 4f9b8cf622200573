import { getProduct, getStock, putInventory, putProduct } from '../adapters/catalog-store.ts';
import { productView } from '../domain/catalog.ts';
import { NotFoundError } from '../domain/errors.ts';
import { afterFromCursor, cursorAfter } from '../domain/pagination-ascending.ts';
import { pageQuerySchema, putInventorySchema, putProductSchema } from '../domain/schemas.ts';
import { apiHandler } from '../http/api-handler.ts';
import { type HttpEvent, jsonBody, pathId, query, requireAdmin } from '../http/request.ts';
import { json } from '../http/respond.ts';
import { publicJson } from './http-cache.ts';
import { readCategoryPage, readProduct, rememberProduct } from './reads.ts';

async function health() {
  return json(200, { status: 'ok' });
}

/** AP3, public: from the instance's cache when it can, with HTTP caching headers. */
async function getProductRoute(event: HttpEvent) {
  const product = await readProduct(pathId(event, 'productId'));
  if (!product) throw new NotFoundError('No such product');
  return publicJson(event, productView(product));
}

/** AP4, public: a category's products in productId order, paged. */
async function listCategoryProductsRoute(event: HttpEvent) {
  const categoryId = pathId(event, 'categoryId');
  const { limit, cursor } = query(event, pageQuerySchema);
  const after = afterFromCursor(cursor, categoryId);
  const page = await readCategoryPage(categoryId, { limit, ...(after ? { after } : {}) });
  return publicJson(event, { items: page.items.map(productView), nextCursor: cursorAfter(page.after, categoryId) });
}

async function putProductRoute(event: HttpEvent) {
  requireAdmin(event);
  const productId = pathId(event, 'productId');
  const body = jsonBody(event, putProductSchema);
  const product = await putProduct({ productId, ...body }, new Date().toISOString());
  rememberProduct(product);
  return json(200, productView(product));
}

// The admin routes below read the table, not the cache: a remembered miss must never refuse stock
// for a product another instance has just created.
async function putInventoryRoute(event: HttpEvent) {
  requireAdmin(event);
  const productId = pathId(event, 'productId');
  const warehouseId = pathId(event, 'warehouseId');
  const { available } = jsonBody(event, putInventorySchema);
  if (!(await getProduct(productId))) throw new NotFoundError('No such product');
  await putInventory(productId, warehouseId, available, new Date().toISOString());
  return json(200, { productId, warehouseId, available });
}

async function getInventoryRoute(event: HttpEvent) {
  requireAdmin(event);
  const productId = pathId(event, 'productId');
  const warehouses = await getStock(productId);
  if (warehouses.length === 0 && !(await getProduct(productId))) throw new NotFoundError('No such product');
  const total = warehouses.reduce((sum, w) => sum + w.available, 0);
  return json(200, { productId, total, warehouses });
}

export const handler = apiHandler({
  'GET /health': health,
  'GET /products/{productId}': getProductRoute,
  'GET /categories/{categoryId}/products': listCategoryProductsRoute,
  'PUT /products/{productId}': putProductRoute,
  'PUT /products/{productId}/inventory/{warehouseId}': putInventoryRoute,
  'GET /products/{productId}/inventory': getInventoryRoute,
});
