import { catalogStore, stockWrites } from '../adapters/catalog-store.ts';
import { config } from '../config.ts';
import { apiHandler } from '../http/api-handler.ts';
import type { HttpEvent } from '../http/request.ts';
import { catalogReads } from './reads.ts';
import {
  type CatalogRoutePorts,
  getInventoryRoute,
  getProductRoute,
  health,
  listCategoryProductsRoute,
  putInventoryRoute,
  putProductRoute,
} from './routes.ts';

const catalog: CatalogRoutePorts = {
  reads: catalogReads,
  store: { ...catalogStore, ...stockWrites(config.stockBucketCount) },
  now: () => new Date().toISOString(),
};

/** The catalog: public reads through the instance's defenses, admin writes to the table. */
export const handler = apiHandler({
  'GET /health': health,
  'GET /products/{productId}': (event: HttpEvent) => getProductRoute(event, catalog),
  'GET /categories/{categoryId}/products': (event: HttpEvent) => listCategoryProductsRoute(event, catalog),
  'PUT /products/{productId}': (event: HttpEvent) => putProductRoute(event, catalog),
  'PUT /products/{productId}/inventory/{warehouseId}': (event: HttpEvent) => putInventoryRoute(event, catalog),
  'GET /products/{productId}/inventory': (event: HttpEvent) => getInventoryRoute(event, catalog),
});
