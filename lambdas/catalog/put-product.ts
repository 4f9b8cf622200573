import type { Product, ProductInput } from '../domain/catalog.ts';
import { AGAIN, retry } from '../domain/retry.ts';
import type { ProductMemory, ProductVersions, ProductWrites } from '../ports/catalog.ts';

export interface PutProductPorts {
  products: ProductVersions & ProductWrites;
  /** This instance's cache: it serves the written version from now on. */
  cache: ProductMemory;
  now: () => string;
}

export type PutProductOutcome = { outcome: 'put'; product: Product } | { outcome: 'contended' };

/** Concurrent writers of one product retry this often before the caller is told to. */
const PRODUCT_RACES = { attempts: 3, baseMs: 10, capMs: 200 };

/**
 * Creates or replaces a product, keeping its creation time, and its category memberships with it.
 * The write replaces the version just read; when another writer changed the product meanwhile,
 * read the new version and replace that instead, a few times before giving up ('contended').
 */
export async function putProduct(request: { product: ProductInput }, ports: PutProductPorts): Promise<PutProductOutcome> {
  const now = ports.now();
  const written = await retry(PRODUCT_RACES, async () => {
    const previous = await ports.products.currentVersion(request.product.productId);
    const replaced = await ports.products.replaceProduct(request.product, previous, now);
    return replaced.outcome === 'replaced' ? replaced.product : AGAIN;
  });
  if (written === AGAIN) return { outcome: 'contended' };
  ports.cache.remember(written);
  return { outcome: 'put', product: written };
}
