import { getProduct, getProducts, listCategoryProducts } from '../adapters/catalog-store.ts';
import { ThrottleBreakers } from '../adapters/circuit-breaker.ts';
import { ProductCache } from '../adapters/product-cache.ts';
import { getTopProducts } from '../adapters/sales-store.ts';
import { config } from '../config.ts';
import type { ProductItem } from '../model/product.ts';
import { logger } from '../observability.ts';

/**
 * The catalog's hot reads, defended: products through the instance's L1 cache, and every table read
 * of a hot key under that key's circuit breaker. One of each per function instance.
 */

const breakers = new ThrottleBreakers({
  maxKeys: 1000,
  // Retry-After is at most this; long enough for DynamoDB's adaptive capacity to isolate the hot key.
  resetTimeoutMs: 5_000,
  volumeThreshold: 3,
  errorThresholdPercentage: 50,
  windowMs: 10_000,
});

const products = new ProductCache({
  max: config.productCacheSize,
  ttlSeconds: config.productCacheTtlSeconds,
  missTtlSeconds: 5,
  load: (productId) => breakers.run(`product#${productId}`, () => getProduct(productId)),
});

/** AP3 through the cache: a hit makes no request, a miss one GetItem. */
export const readProduct = (productId: string): Promise<ProductItem | undefined> => products.get(productId);

export const rememberProduct = (product: ProductItem): void => products.remember(product);

/** AP4 under the category's breaker. */
export const readCategoryPage = (categoryId: string, page: { limit: number; after?: string }) =>
  breakers.run(`category#${categoryId}`, () => listCategoryProducts(categoryId, page));

/**
 * Predictive caching: at cold start, the best sellers — the likeliest hot keys — are loaded into the
 * cache with one GetItem of the top-products board and one BatchGetItem. No request waits for it,
 * and a failure only costs cache misses.
 */
async function warmProductCache(): Promise<void> {
  const topIds = (await getTopProducts()).slice(0, config.topProductsSize).map((entry) => entry.productId);
  if (topIds.length === 0) return;
  products.seed((await getProducts(topIds)).values());
}

export const productCacheWarmed: Promise<void> = warmProductCache().catch((error: unknown) => {
  logger.warn('could not warm the product cache', { error: error as Error });
});
