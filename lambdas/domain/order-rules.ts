import { shardFor } from './sharding.ts';

/**
 * Order settlement rules (SPEC §4), pure: pricing from the catalog, stock allocation across
 * warehouses, the numbered events of each outcome, and the order summary of the read models.
 */

export const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'REJECTED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type RejectionReason =
  | 'OUT_OF_STOCK'
  | 'UNKNOWN_PRODUCT'
  | 'INVALID_PROMOTION'
  | 'PAYMENT_DECLINED'
  /** The order's message exhausted its retries; it is dead-lettered for an operator to inspect. */
  | 'SETTLEMENT_FAILED';

export interface RequestedLine {
  productId: string;
  quantity: number;
}
/** An order as the business sees it (SPEC §1), whatever the table stores beside it. */
export interface Order {
  orderId: string;
  userId: string;
  status: OrderStatus;
  rejectionReason?: string | undefined;
  items: Array<RequestedLine & { unitPriceCents?: number | undefined }>;
  subtotalCents?: number | undefined;
  discountCents?: number | undefined;
  totalCents?: number | undefined;
  promotionCode?: string | undefined;
  fromCart?: boolean | undefined;
  /** For a fromCart order, the cart lines it was placed from: once CONFIRMED exactly these leave the cart. */
  cartLines?: Array<{ productId: string; quantity: number; addedAt: string }> | undefined;
  /** Kept with a PENDING order until it is settled (decision 0004). */
  paymentToken?: string | undefined;
  /** How often the backstop re-drove this order to settlement, and when it last did. */
  redriveCount?: number | undefined;
  redrivenAt?: string | undefined;
  /** Sequence number of the order's latest event. */
  eventSeq: number;
  createdAt: string;
  updatedAt: string;
}

/** One entry of an order's event log (AP10). */
export interface RecordedOrderEvent {
  orderId: string;
  userId: string;
  seq: number;
  type: string;
  at: string;
  data?: unknown;
}

export interface PricedLine extends RequestedLine {
  unitPriceCents: number;
}
export interface WarehouseStock {
  warehouseId: string;
  available: number;
}
/**
 * Units of a product in one of the items its stock in a warehouse is split over (decision 0013).
 * `bucket` tells the store which item; absent, the warehouse keeps its stock in one item (written
 * before buckets), which counts as one more bucket.
 */
export interface StockBucket extends WarehouseStock {
  bucket?: number | undefined;
}
/** Units of one product taken from one warehouse: what OrderConfirmed records (`allocations`). */
export interface Allocation {
  productId: string;
  warehouseId: string;
  quantity: number;
}
/** Units taken from one bucket: one conditioned decrement of the settlement transaction. */
export interface BucketAllocation extends Allocation {
  bucket?: number | undefined;
}
export interface OrderEventDraft {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}
export interface OrderSummary {
  orderId: string;
  status: string;
  totalCents: number;
  createdAt: string;
}

/**
 * A DynamoDB transaction holds 100 writes; settlement needs 5 besides the stock decrements (order,
 * payment, three events), and one more when it redeems a promotion.
 */
export const MAX_STOCK_WRITES = 95;

export function stockWriteBudget(redeemsPromotion: boolean): number {
  return redeemsPromotion ? MAX_STOCK_WRITES - 1 : MAX_STOCK_WRITES;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: RejectionReason };

export function priceLines(
  lines: RequestedLine[],
  catalog: ReadonlyMap<string, { priceCents: number }>,
): Outcome<{ lines: PricedLine[]; subtotalCents: number }> {
  const priced: PricedLine[] = [];
  for (const line of lines) {
    const product = catalog.get(line.productId);
    if (!product) return { ok: false, reason: 'UNKNOWN_PRODUCT' };
    priced.push({ ...line, unitPriceCents: product.priceCents });
  }
  const subtotalCents = priced.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
  return { ok: true, value: { lines: priced, subtotalCents } };
}

/**
 * Takes each line's units from the warehouses with the most stock first (fewest writes), never
 * more than a bucket has. Within a warehouse the buckets are tried in a rotation that starts where
 * `spreadBy` (the order id) hashes to, so concurrent orders of one product decrement different
 * items: the first bucket that covers what is still missing, else the fullest (few writes). Fails
 * when the stock of any product does not cover its line, or the plan needs more than `maxWrites`.
 */
export function allocateStock(
  lines: RequestedLine[],
  stock: ReadonlyMap<string, readonly StockBucket[]>,
  maxWrites = MAX_STOCK_WRITES,
  spreadBy = '',
): Outcome<BucketAllocation[]> {
  const allocations: BucketAllocation[] = [];
  for (const line of lines) {
    let missing = line.quantity;
    for (const warehouse of warehousesFullestFirst(stock.get(line.productId) ?? [])) {
      if (missing === 0) break;
      const wanted = Math.min(missing, warehouse.available);
      for (const take of takeFromBuckets(warehouse.buckets, wanted, spreadBy)) allocations.push({ productId: line.productId, ...take });
      missing -= wanted;
    }
    if (missing > 0) return { ok: false, reason: 'OUT_OF_STOCK' };
  }
  if (allocations.length > maxWrites) return { ok: false, reason: 'OUT_OF_STOCK' };
  return { ok: true, value: allocations };
}

/** The buckets with units, by warehouse, the warehouse with the most units first. */
function warehousesFullestFirst(buckets: readonly StockBucket[]) {
  const warehouses = new Map<string, { warehouseId: string; available: number; buckets: StockBucket[] }>();
  for (const bucket of buckets) {
    if (bucket.available <= 0) continue;
    const warehouse = warehouses.get(bucket.warehouseId) ?? { warehouseId: bucket.warehouseId, available: 0, buckets: [] };
    warehouse.available += bucket.available;
    warehouse.buckets.push(bucket);
    warehouses.set(bucket.warehouseId, warehouse);
  }
  return [...warehouses.values()].sort((a, b) => b.available - a.available || a.warehouseId.localeCompare(b.warehouseId));
}

/** `wanted` units (no more than the buckets hold together) from buckets of one warehouse. */
function takeFromBuckets(buckets: readonly StockBucket[], wanted: number, spreadBy: string): Array<Omit<BucketAllocation, 'productId'>> {
  const ordered = [...buckets].sort((a, b) => (a.bucket ?? -1) - (b.bucket ?? -1));
  const start = shardFor(spreadBy, ordered.length);
  const pool = [...ordered.slice(start), ...ordered.slice(0, start)];
  const takes: Array<Omit<BucketAllocation, 'productId'>> = [];
  for (let rest = wanted; rest > 0; ) {
    const covering = pool.findIndex((bucket) => bucket.available >= rest);
    const index = covering >= 0 ? covering : pool.reduce((best, bucket, i) => (bucket.available > pool[best]!.available ? i : best), 0);
    const [{ warehouseId, bucket, available }] = pool.splice(index, 1) as [StockBucket];
    const quantity = Math.min(rest, available);
    takes.push({ warehouseId, ...(bucket === undefined ? {} : { bucket }), quantity });
    rest -= quantity;
  }
  return takes;
}

/** The units taken per product and warehouse, whatever buckets they came from: OrderConfirmed's `allocations`. */
export function warehouseAllocations(allocations: readonly BucketAllocation[]): Allocation[] {
  const merged = new Map<string, Allocation>();
  for (const { productId, warehouseId, quantity } of allocations) {
    const key = JSON.stringify([productId, warehouseId]);
    const entry = merged.get(key);
    if (entry) entry.quantity += quantity;
    else merged.set(key, { productId, warehouseId, quantity });
  }
  return [...merged.values()];
}

export interface OrderTotals {
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
}

/** The amount charged: the subtotal less the discount, which discountFor keeps within the subtotal. */
export function orderTotals(subtotalCents: number, discountCents: number): OrderTotals {
  return { subtotalCents, discountCents, totalCents: subtotalCents - discountCents };
}

/**
 * The event appended when an order is confirmed, numbered after the order's last event. One event
 * for one state change (decision 0012): the stock it took and the payment it authorized are data of
 * OrderConfirmed, not events of their own; logs written before hold InventoryReserved and
 * PaymentAuthorized as well, and stay readable.
 */
export function confirmationEvents(
  lastSeq: number,
  allocations: Allocation[],
  payment: { reference: string; amountCents: number },
  totals: OrderTotals & { promotionCode?: string },
): OrderEventDraft[] {
  return [{ seq: lastSeq + 1, type: 'OrderConfirmed', data: { ...totals, allocations, payment: { ...payment } } }];
}

export function rejectionEvents(lastSeq: number, reason: RejectionReason): OrderEventDraft[] {
  return [{ seq: lastSeq + 1, type: 'OrderRejected', data: { reason } }];
}

const statusRank: Record<string, number> = { PENDING: 0, CONFIRMED: 1, REJECTED: 1 };

/** A later status wins; an earlier one (a replayed PENDING) never overwrites it. */
export function isNewerStatus(next: string, current: string | undefined): boolean {
  if (current === undefined) return true;
  return (statusRank[next] ?? 0) > (statusRank[current] ?? 0);
}

/** Upserts a summary into the newest-first list of recent orders, keeping `max`. Pure and idempotent. */
export function mergeRecentOrders(recent: readonly OrderSummary[], summary: OrderSummary, max = 5): OrderSummary[] {
  const existing = recent.find((order) => order.orderId === summary.orderId);
  if (existing && !isNewerStatus(summary.status, existing.status)) return [...recent];
  const others = recent.filter((order) => order.orderId !== summary.orderId);
  return [...others, summary].sort((a, b) => (a.orderId < b.orderId ? 1 : -1)).slice(0, max);
}

/** The UTC day of an instant, the partition of the orders-by-day index. */
export function dayOf(isoInstant: string): string {
  return isoInstant.slice(0, 10);
}
