import { mergeRecentOrders, type OrderSummary } from '../../lambdas/domain/order-rules.ts';
import { rankTopProducts, type RankedProduct, salesOfOrder } from '../../lambdas/domain/sales.ts';

/**
 * The read models of the order projections recomputed from the orders, pure: what the stream
 * projector (lambdas/projections/project-orders.ts) would have written had it seen every order's
 * latest state exactly once. Plain objects, so they travel in the rebuild's checkpoint.
 */

/** An order item's state: the head of its event log. */
export interface SourceOrder {
  orderId: string;
  userId: string;
  status: string;
  totalCents: number;
  createdAt: string;
  items: ReadonlyArray<{ productId: string; quantity: number; unitPriceCents?: number | undefined }>;
}

export interface UserReadModel {
  orderCount: number;
  lifetimeValueCents: number;
  recentOrders: OrderSummary[];
}

export interface ProductReadModel {
  unitsSold: number;
  revenueCents: number;
}

/** Per user and per product: bounded by the number of users and products, not of orders. */
export interface ReadModels {
  users: Record<string, UserReadModel>;
  products: Record<string, ProductReadModel>;
}

export const emptyReadModels = (): ReadModels => ({ users: {}, products: {} });

const emptyUser = (): UserReadModel => ({ orderCount: 0, lifetimeValueCents: 0, recentOrders: [] });
const emptyProduct = (): ProductReadModel => ({ unitsSold: 0, revenueCents: 0 });

export function summaryOf(order: SourceOrder): OrderSummary {
  return { orderId: order.orderId, status: order.status, totalCents: order.totalCents, createdAt: order.createdAt };
}

/**
 * The order's item in its user's history. CONFIRMED there is also the projector's exactly-once
 * guard: a confirmed order whose history says so is in the user's stats and the product sales.
 */
export const historyOf = summaryOf;

/** A live read-model item with no order behind it still has an expected value: zero. */
export function addUser(models: ReadModels, userId: string): UserReadModel {
  return (models.users[userId] ??= emptyUser());
}

export function addProduct(models: ReadModels, productId: string): ProductReadModel {
  return (models.products[productId] ??= emptyProduct());
}

/**
 * Adds one order: every order is among its user's recent orders while it is one of the five
 * newest; a confirmed one counts into the user's stats and its lines into product sales.
 */
export function addOrder(models: ReadModels, order: SourceOrder): void {
  const user = addUser(models, order.userId);
  user.recentOrders = mergeRecentOrders(user.recentOrders, summaryOf(order));
  if (order.status !== 'CONFIRMED') return;
  user.orderCount += 1;
  user.lifetimeValueCents += order.totalCents;
  for (const sale of salesOfOrder(order.items)) {
    const product = addProduct(models, sale.productId);
    product.unitsSold += sale.units;
    product.revenueCents += sale.revenueCents;
  }
}

/** Adds what one page found to the running totals (pages of different segments never share an order). */
export function mergeReadModels(into: ReadModels, page: ReadModels): void {
  for (const [userId, user] of Object.entries(page.users)) {
    const total = addUser(into, userId);
    total.orderCount += user.orderCount;
    total.lifetimeValueCents += user.lifetimeValueCents;
    for (const order of user.recentOrders) total.recentOrders = mergeRecentOrders(total.recentOrders, order);
  }
  for (const [productId, product] of Object.entries(page.products)) {
    const total = addProduct(into, productId);
    total.unitsSold += product.unitsSold;
    total.revenueCents += product.revenueCents;
  }
}

/** The board the units sold call for: the best `size`, ties by product id (as the projector ranks). */
export function boardOf(unitsSold: ReadonlyMap<string, number>, size: number): RankedProduct[] {
  return rankTopProducts([], unitsSold, size);
}

/**
 * The fields of `live` that differ from `expected` ("a: 3 → 2"), comparing by value; an absent
 * live field reads as its default (`defaults`). Empty: they agree.
 */
export function differences<T extends object>(expected: T, live: Partial<T> | undefined, defaults: T): string[] {
  return (Object.keys(expected) as Array<keyof T>).flatMap((field) => {
    const want = JSON.stringify(expected[field]);
    const have = JSON.stringify(live?.[field] ?? defaults[field]);
    return want === have ? [] : [`${String(field)}: ${have} → ${want}`];
  });
}

export const USER_DEFAULTS: UserReadModel = emptyUser();
export const PRODUCT_DEFAULTS: ProductReadModel = emptyProduct();
