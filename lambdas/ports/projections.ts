import type { OrderSummary } from '../domain/order-rules.ts';
import type { ProductSale, RankedProduct } from '../domain/sales.ts';

/**
 * What the order projections need from the outside world, in their own terms. The adapters
 * (adapters/projection-store.ts, adapters/sales-store.ts) own the keys and conditions.
 */

/** The user's order history (AP11). */
export interface OrderHistory {
  /** Writes the order unless the history holds a later status of it (a replayed PENDING never overwrites CONFIRMED). */
  record(userId: string, summary: OrderSummary): Promise<'recorded' | 'superseded'>;
}

/** The user's five recent orders on the stats item (AP16). */
export interface UserStats {
  /** The recent orders with the version a save is checked against (undefined: never saved). */
  readRecentOrders(userId: string): Promise<{ orders: OrderSummary[]; version: number | undefined }>;
  /** Replaces the recent orders if nobody saved them since `version` was read; 'raced' when someone did. */
  saveRecentOrders(userId: string, orders: OrderSummary[], version: number | undefined): Promise<'saved' | 'raced'>;
}

/** What a confirmed order changes in the read models, all at once. */
export interface ConfirmedOrder {
  userId: string;
  summary: OrderSummary;
  /** The recent orders to save at the version read; absent when the order does not change them. */
  recentOrders?: { orders: OrderSummary[]; version: number | undefined };
  sales: readonly ProductSale[];
}

/**
 * The read models of a confirmed order, exactly once: its history entry moves to CONFIRMED — the
 * guard, an item AP11 needs anyway — together with the user's count, lifetime value and recent
 * orders and the product sales, all or nothing.
 */
export interface ConfirmedOrders {
  /**
   * 'already-recorded' for a redelivery (the history shows the order confirmed); 'raced' when the
   * recent orders changed since they were read; 'contended' when concurrent writers held the
   * items. Nothing is written unless 'recorded'.
   */
  record(order: ConfirmedOrder): Promise<'recorded' | 'already-recorded' | 'raced' | 'contended'>;
}

/** Units sold of each product (AP17's source). */
export interface ProductSalesLedger {
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
