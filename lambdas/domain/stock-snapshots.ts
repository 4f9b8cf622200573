/**
 * What one execution environment last read of products' stock (decision 0016), so that settlement
 * need not query every product's stock for every order: an allocation is planned from a snapshot at
 * most `maxAgeMs` old, kept current with what this environment took since. A snapshot only ever
 * plans; it never decides. Every decrement the plan leads to keeps its own `available >= q`
 * condition, so a stale snapshot costs a lost race (then a fresh read), never an oversell; and an
 * order is rejected OUT_OF_STOCK only on a fresh read (settle.ts).
 */
import type { BucketAllocation, StockBucket } from './order-rules.ts';

/** Long enough to spare most reads at a few settlements a second per product, short enough that restocking shows soon. */
export const STOCK_SNAPSHOT_MAX_AGE_MS = 2_000;
/** Products remembered at most; the oldest read is dropped first. */
export const STOCK_SNAPSHOT_MAX_PRODUCTS = 500;

export class StockSnapshots {
  private readonly snapshots = new Map<string, { readAt: number; buckets: StockBucket[] }>();

  constructor(
    private readonly maxAgeMs = STOCK_SNAPSHOT_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The product's buckets as last read (less what this environment took since), if read within `maxAgeMs`. */
  get(productId: string): readonly StockBucket[] | undefined {
    const snapshot = this.snapshots.get(productId);
    if (!snapshot) return undefined;
    if (this.now() - snapshot.readAt > this.maxAgeMs) {
      this.snapshots.delete(productId);
      return undefined;
    }
    return snapshot.buckets;
  }

  /** A fresh read of the product's stock. */
  put(productId: string, buckets: readonly StockBucket[]): void {
    this.snapshots.delete(productId);
    this.snapshots.set(productId, { readAt: this.now(), buckets: buckets.map((bucket) => ({ ...bucket })) });
    if (this.snapshots.size > STOCK_SNAPSHOT_MAX_PRODUCTS) this.snapshots.delete(this.snapshots.keys().next().value!);
  }

  /** A committed confirmation took these units: the snapshots hold that much less. */
  take(allocations: readonly BucketAllocation[]): void {
    for (const { productId, warehouseId, bucket, quantity } of allocations) {
      const held = this.snapshots.get(productId)?.buckets.find((item) => item.warehouseId === warehouseId && item.bucket === bucket);
      if (held) held.available -= quantity;
    }
  }

  /** A plan from these snapshots lost a race on stock, or could not be made: read them again. */
  forget(productIds: readonly string[]): void {
    for (const productId of productIds) this.snapshots.delete(productId);
  }
}
