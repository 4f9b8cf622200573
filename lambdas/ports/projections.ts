import type { OrderSummary } from '../domain/order-rules.ts';
import type { ProductSale, RankedProduct } from '../domain/sales.ts';

/**
 * What the order projections need from the outside world, in their own terms. The adapters
 * (adapters/projection-store.ts, adapters/sales-store.ts) own the keys, marks and conditions.
 */

/** The user's order history (AP11). */
export interface OrderHistory {
  /** Writes the order unless the history holds a later status of it (a replayed PENDING never overwrites CONFIRMED). */
  record(userId: string, summary: OrderSummary): Promise<'recorded' | 'superseded'>;
}

/** The user's stats: order count, lifetime value and the five recent orders (AP16). */
export interface UserStats {
  /** Adds a confirmed order to the count and the lifetime value, once per order whatever the deliveries. */
  countConfirmedOrder(userId: string, orderId: string, totalCents: number): Promise<'counted' | 'already-counted'>;
  /** The recent orders with the version a save is checked against (undefined: never saved). */
  readRecentOrders(userId: string): Promise<{ orders: OrderSummary[]; version: number | undefined }>;
  /** Replaces the recent orders if nobody saved them since `version` was read; 'raced' when someone did. */
  saveRecentOrders(userId: string, orders: OrderSummary[], version: number | undefined): Promise<'saved' | 'raced'>;
}

/** Units and revenue sold of each product (AP17's source). */
export interface ProductSalesLedger {
  /**
   * Adds an order's sales, once per order: 'already-counted' for a redelivery, 'contended' when
   * concurrent orders of the same products held their items and nothing was written.
   */
  count(orderId: string, sales: readonly ProductSale[], at: string): Promise<'counted' | 'already-counted' | 'contended'>;
  /** Units sold so far of each product, read consistently; 0 for a product never sold. */
  unitsSold(productIds: readonly string[]): Promise<Map<string, number>>;
}

/** The top-products board (AP17). */
export interface TopProductsBoard {
  /** How many products the board ranks. */
  readonly size: number;
  /** The board with the version a save is checked against, read consistently. */
  read(): Promise<{ products: RankedProduct[]; version: number | undefined }>;
  /** Replaces the board if nobody saved it since `version` was read; 'raced' when someone did. */
  save(products: RankedProduct[], version: number | undefined): Promise<'saved' | 'raced'>;
}
