import type { ProductLookup, StockWrites } from '../ports/catalog.ts';

export interface PutInventoryRequest {
  productId: string;
  warehouseId: string;
  available: number;
}

export type PutInventoryOutcome = { outcome: 'stocked' } | { outcome: 'unknown-product' };

/**
 * Sets a product's stock in one warehouse, all of it at once (the store spreads it over the
 * warehouse's buckets, decision 0013). Only catalog products have stock; `catalog` must read the
 * table, not a cache: a remembered miss must never refuse stock for a product another instance
 * has just created. A write that keeps losing races with settlements throws a ConflictError.
 */
export async function putInventory(
  request: PutInventoryRequest,
  ports: { catalog: ProductLookup; stock: StockWrites; now: () => string },
): Promise<PutInventoryOutcome> {
  const { productId, warehouseId, available } = request;
  if (!(await ports.catalog.product(productId))) return { outcome: 'unknown-product' };
  await ports.stock.setStock(productId, warehouseId, available, ports.now());
  return { outcome: 'stocked' };
}
