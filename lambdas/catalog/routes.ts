import { productView } from '../domain/catalog.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { afterFromCursor, cursorAfter } from '../domain/pagination-ascending.ts';
import { pageQuerySchema, putInventorySchema, putProductSchema } from '../domain/schemas.ts';
import { type HttpEvent, jsonBody, pathId, query, requireAdmin } from '../http/request.ts';
import { json } from '../http/respond.ts';
import type { CatalogStore, CategoryListing, ProductLookup, ProductMemory } from '../ports/catalog.ts';
import { publicJson } from './http-cache.ts';
import { putInventory } from './put-inventory.ts';
import { putProduct } from './put-product.ts';
import { readInventory } from './read-inventory.ts';

export interface CatalogRoutePorts {
  /** The public reads: the instance's cache and circuit breakers. */
  reads: ProductLookup & CategoryListing & ProductMemory;
  /** The table itself, for the admin routes. */
  store: CatalogStore;
  now: () => string;
}

export async function health() {
  return json(200, { status: 'ok' });
}

/** AP3, public: from the instance's cache when it can, with HTTP caching headers. */
export async function getProductRoute(event: HttpEvent, ports: CatalogRoutePorts) {
  const product = await ports.reads.product(pathId(event, 'productId'));
  if (!product) throw new NotFoundError('No such product');
  return publicJson(event, productView(product));
}

/** AP4, public: a category's products in productId order, paged. */
export async function listCategoryProductsRoute(event: HttpEvent, ports: CatalogRoutePorts) {
  const categoryId = pathId(event, 'categoryId');
  const { limit, cursor } = query(event, pageQuerySchema);
  const after = afterFromCursor(cursor, categoryId);
  const page = await ports.reads.categoryPage(categoryId, { limit, ...(after ? { after } : {}) });
  return publicJson(event, { items: page.items.map(productView), nextCursor: cursorAfter(page.after, categoryId) });
}

export async function putProductRoute(event: HttpEvent, ports: CatalogRoutePorts) {
  requireAdmin(event);
  const productId = pathId(event, 'productId');
  const body = jsonBody(event, putProductSchema);
  const put = await putProduct({ product: { productId, ...body } }, { products: ports.store, cache: ports.reads, now: ports.now });
  if (put.outcome === 'contended') throw new ConflictError('The product is being changed concurrently; retry');
  return json(200, productView(put.product));
}

// The admin routes below read the table, not the cache: a remembered miss must never refuse stock
// for a product another instance has just created.
export async function putInventoryRoute(event: HttpEvent, ports: CatalogRoutePorts) {
  requireAdmin(event);
  const productId = pathId(event, 'productId');
  const warehouseId = pathId(event, 'warehouseId');
  const { available } = jsonBody(event, putInventorySchema);
  const stocked = await putInventory({ productId, warehouseId, available }, { catalog: ports.store, stock: ports.store, now: ports.now });
  if (stocked.outcome === 'unknown-product') throw new NotFoundError('No such product');
  return json(200, { productId, warehouseId, available });
}

export async function getInventoryRoute(event: HttpEvent, ports: CatalogRoutePorts) {
  requireAdmin(event);
  const productId = pathId(event, 'productId');
  const inventory = await readInventory({ productId }, { catalog: ports.store, stock: ports.store });
  if (inventory.outcome === 'unknown-product') throw new NotFoundError('No such product');
  return json(200, { productId, total: inventory.total, warehouses: inventory.warehouses });
}
