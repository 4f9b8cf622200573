import { getProduct, getStock, putInventory, putProduct } from '../adapters/catalog-store.ts';
import { NotFoundError } from '../domain/errors.ts';
import { putInventorySchema, putProductSchema } from '../domain/schemas.ts';
import { apiHandler } from '../http/api-handler.ts';
import { type HttpEvent, jsonBody, pathId, requireAdmin } from '../http/request.ts';
import { json } from '../http/respond.ts';
import type { ProductItem } from '../model/product.ts';

function productView(product: ProductItem) {
  const { productId, name, description, priceCents, currency, categories, attributes } = product;
  return { productId, name, description, priceCents, currency, categories, attributes };
}

async function health() {
  return json(200, { status: 'ok' });
}

async function getProductRoute(event: HttpEvent) {
  const product = await getProduct(pathId(event, 'productId'));
  if (!product) throw new NotFoundError('No such product');
  return json(200, productView(product));
}

async function putProductRoute(event: HttpEvent) {
  requireAdmin(event);
  const productId = pathId(event, 'productId');
  const body = jsonBody(event, putProductSchema);
  const product = await putProduct({ productId, ...body }, new Date().toISOString());
  return json(200, productView(product));
}

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
  'PUT /products/{productId}': putProductRoute,
  'PUT /products/{productId}/inventory/{warehouseId}': putInventoryRoute,
  'GET /products/{productId}/inventory': getInventoryRoute,
});
