import { catalogStore } from '../adapters/catalog-store.ts';
import { ThrottleBreakers } from '../adapters/circuit-breaker.ts';
import { ProductCache } from '../adapters/product-cache.ts';
import { getTopProducts } from '../adapters/sales-store.ts';
import { config } from '../config.ts';
import type { Product } from '../domain/catalog.ts';
import { logger } from '../observability.ts';
import type { CategoryListing, ProductBatch, ProductLookup, ProductMemory } from '../ports/catalog.ts';

/**
 * The catalog's hot reads, defended: products through the instance's L1 cache, and every table read
 * of a hot key under that key's circuit breaker. One of each per function instance.
 */
export interface CatalogReads extends ProductLookup, CategoryListing, ProductMemory {
  /** Warm-up: adds products not cached yet; never replaces an entry, which may be fresher. */
  seed(products: Iterable<Product>): void;
}

export function defendedReads(store: ProductLookup & CategoryListing, cache: { max: number; ttlSeconds: number }): CatalogReads {
  const breakers = new ThrottleBreakers({
    maxKeys: 1000,
    // Retry-After is at most this; long enough for DynamoDB's adaptive capacity to isolate the hot key.
    resetTimeoutMs: 5_000,
    volumeThreshold: 3,
    errorThresholdPercentage: 50,
    windowMs: 10_000,
  });
  const products = new ProductCache({
    ...cache,
    missTtlSeconds: 5,
    load: (productId) => breakers.run(`product#${productId}`, () => store.product(productId)),
  });
  return {
    // AP3 through the cache: a hit makes no request, a miss one GetItem.
    product: (productId) => products.get(productId),
    // AP4 under the category's breaker.
    categoryPage: (categoryId, page) => breakers.run(`category#${categoryId}`, () => store.categoryPage(categoryId, page)),
    remember: (product) => products.remember(product),
    seed: (seeded) => products.seed(seeded),
  };
}

/**
 * Predictive caching: at cold start, the best sellers — the likeliest hot keys — are loaded into the
 * cache with one read of the top-products board and one batch read of the products. No request
 * waits for it, and a failure only costs cache misses.
 */
export async function warmProductCache(ports: { bestSellers: () => Promise<string[]>; catalog: ProductBatch; reads: CatalogReads }): Promise<void> {
  try {
    const topIds = await ports.bestSellers();
    if (topIds.length === 0) return;
    ports.reads.seed((await ports.catalog.products(topIds)).values());
  } catch (error) {
    logger.warn('could not warm the product cache', { error: error as Error });
  }
}

export const catalogReads = defendedReads(catalogStore, { max: config.productCacheSize, ttlSeconds: config.productCacheTtlSeconds });

export const readProduct = (productId: string): Promise<Product | undefined> => catalogReads.product(productId);

export const productCacheWarmed: Promise<void> = warmProductCache({
  bestSellers: async () => (await getTopProducts()).slice(0, config.topProductsSize).map((entry) => entry.productId),
  catalog: catalogStore,
  reads: catalogReads,
});
