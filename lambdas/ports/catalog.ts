import type { Product, ProductInput, PublicProduct } from '../domain/catalog.ts';
import type { StockBucket } from '../domain/order-rules.ts';

/**
 * What the catalog's use cases need of the store, one capability an interface. Implemented for
 * DynamoDB by adapters/catalog-store.ts, and for hot reads by catalog/reads.ts (cache + breakers).
 */

/** AP3: one product, or undefined when the catalog does not have it. */
export interface ProductLookup {
  product(productId: string): Promise<Product | undefined>;
}

/** Several products at once, by id; ids the catalog does not have are absent from the map. */
export interface ProductBatch {
  products(productIds: string[]): Promise<Map<string, Product>>;
}

/** The version a write replaces: read consistently, so the write's guard names the latest one. */
export interface ProductVersions {
  currentVersion(productId: string): Promise<Product | undefined>;
}

/** 'contended': another writer changed the product since `previous` was read. */
export type ProductReplacement = { outcome: 'replaced'; product: Product } | { outcome: 'contended' };

/** Replaces `previous` (undefined: creates) with the input, and the product's category memberships with it. */
export interface ProductWrites {
  replaceProduct(input: ProductInput, previous: Product | undefined, now: string): Promise<ProductReplacement>;
}

/** A product this instance has just written: later reads here must see it, not an older copy. */
export interface ProductMemory {
  remember(product: Product): void;
}

/** AP4: a page of a category's products in productId order; `after` continues past the last one. */
export interface CategoryListing {
  categoryPage(categoryId: string, page: { limit: number; after?: string }): Promise<{ items: PublicProduct[]; after: string | null }>;
}

/** AP6: the product's stock in every warehouse, bucket by bucket (decision 0013). */
export interface StockLevels {
  stock(productId: string): Promise<StockBucket[]>;
}

/** Sets a warehouse's stock, all of it at once; a write that keeps losing races throws a ConflictError. */
export interface StockWrites {
  setStock(productId: string, warehouseId: string, available: number, now: string): Promise<void>;
}

export type CatalogStore = ProductLookup & ProductBatch & ProductVersions & ProductWrites & CategoryListing & StockLevels & StockWrites;
