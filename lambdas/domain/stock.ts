/**
 * A warehouse's stock of a product split over buckets (decision 0013), pure: how units are spread
 * when stock is set, what the buckets add up to, and how many buckets a hot product needs.
 */
import type { StockBucket, WarehouseStock } from './order-rules.ts';

/** Inventory items of schema 2 are buckets of a warehouse's stock; schema 1 kept it in one item per warehouse. */
export const INVENTORY_SCHEMA_VERSION = 2;

/** `units` over `buckets` items, as evenly as whole units go: the first `units mod buckets` hold one more. */
export function spreadUnits(units: number, buckets: number): number[] {
  if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError(`bucket count must be a positive integer, got ${buckets}`);
  if (!Number.isInteger(units) || units < 0) throw new RangeError(`units must be a non-negative integer, got ${units}`);
  const base = Math.floor(units / buckets);
  const extra = units % buckets;
  return Array.from({ length: buckets }, (_, bucket) => base + (bucket < extra ? 1 : 0));
}

/** Units per warehouse, summed over its buckets, in the order the warehouses first appear. */
export function warehouseTotals(buckets: readonly StockBucket[]): WarehouseStock[] {
  const totals = new Map<string, number>();
  for (const { warehouseId, available } of buckets) totals.set(warehouseId, (totals.get(warehouseId) ?? 0) + available);
  return [...totals].map(([warehouseId, available]) => ({ warehouseId, available }));
}

/**
 * Buckets for a hot product: with `concurrentSettlements` of it in their transaction at once, each
 * on a bucket of its own choosing, one shares its bucket with another (a conflict, then a re-plan)
 * with probability 1 − (1 − 1/N)^(concurrent − 1) ≤ (concurrent − 1) / N. Keeping that at most
 * `conflictRate` needs N = ceil((concurrent − 1) ÷ conflictRate).
 */
export function bucketsForConcurrency(concurrentSettlements: number, conflictRate: number): number {
  if (!(conflictRate > 0 && conflictRate <= 1)) throw new RangeError(`conflict rate must be within (0, 1], got ${conflictRate}`);
  return Math.max(1, Math.ceil((concurrentSettlements - 1) / conflictRate));
}
