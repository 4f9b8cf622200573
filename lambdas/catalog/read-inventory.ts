import type { WarehouseStock } from '../domain/order-rules.ts';
import { warehouseTotals } from '../domain/stock.ts';
import type { ProductLookup, StockLevels } from '../ports/catalog.ts';

export type ReadInventoryOutcome = { outcome: 'found'; total: number; warehouses: WarehouseStock[] } | { outcome: 'unknown-product' };

/**
 * A product's stock per warehouse (its buckets summed) and in all. Stock found proves the product
 * exists; only a product without stock costs a second read, from the table (not a cache) for the
 * reason putInventory gives.
 */
export async function readInventory(request: { productId: string }, ports: { catalog: ProductLookup; stock: StockLevels }): Promise<ReadInventoryOutcome> {
  const warehouses = warehouseTotals(await ports.stock.stock(request.productId));
  if (warehouses.length === 0 && !(await ports.catalog.product(request.productId))) return { outcome: 'unknown-product' };
  return { outcome: 'found', total: warehouses.reduce((sum, w) => sum + w.available, 0), warehouses };
}
