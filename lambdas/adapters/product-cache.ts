import { LRUCache } from 'lru-cache';
import type { Product } from '../domain/catalog.ts';

export interface ProductCacheOptions {
  /** Entries kept, least recently used evicted; 0 turns the cache off. */
  max: number;
  /** How long a product read is served from memory; 0 turns the cache off. */
  ttlSeconds: number;
  /** How long "no such product" is remembered: short, so a new product shows up soon. */
  missTtlSeconds: number;
  /** The read behind the cache. */
  load: (productId: string) => Promise<Product | undefined>;
  /** The clock of the TTLs (tests pass a fake one). */
  perf?: { now(): number };
}

/** lru-cache cannot store `undefined`, and a remembered miss is an answer too. */
interface Entry {
  product: Product | undefined;
}

/**
 * The L1 cache of product reads in one function instance: an LRU with a TTL. A hot product is read
 * from the table once per TTL per instance instead of once per request, and a hot unknown id is
 * answered from memory as well, briefly. Reads can be up to a TTL stale in other instances.
 */
export class ProductCache {
  private readonly entries: LRUCache<string, Entry> | undefined;
  private readonly missTtlMs: number;

  constructor(private readonly options: ProductCacheOptions) {
    const ttl = options.ttlSeconds * 1000;
    this.missTtlMs = Math.min(options.missTtlSeconds * 1000, ttl);
    // lru-cache reads ttl 0 as "never expires"; here it means "don't cache". ttlResolution 0 reads
    // the clock on every lookup rather than caching "now" behind a timer.
    this.entries =
      options.max > 0 && ttl > 0
        ? new LRUCache<string, Entry>({ max: options.max, ttl, ttlResolution: 0, ...(options.perf ? { perf: options.perf } : {}) })
        : undefined;
  }

  async get(productId: string): Promise<Product | undefined> {
    const cached = this.entries?.get(productId);
    if (cached) return cached.product;
    const product = await this.options.load(productId);
    this.entries?.set(productId, { product }, product ? {} : { ttl: this.missTtlMs });
    return product;
  }

  /** Warm-up: adds products not cached yet; never replaces an entry, which may be fresher. */
  seed(products: Iterable<Product>): void {
    for (const product of products) {
      if (!this.entries?.has(product.productId)) this.entries?.set(product.productId, { product });
    }
  }

  /**
   * After this instance wrote a product: its entry becomes the written version. Dropping it instead
   * would let the next (eventually consistent) read cache the version before the write.
   */
  remember(product: Product): void {
    this.entries?.set(product.productId, { product });
  }
}
