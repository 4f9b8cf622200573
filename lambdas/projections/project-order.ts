import { UnavailableError } from '../domain/errors.ts';
import { isNewerStatus, mergeRecentOrders, type OrderSummary } from '../domain/order-rules.ts';
import { type OrderChange, summaryOf } from '../domain/projections.ts';
import { AGAIN, type Again, retry } from '../domain/retry.ts';
import { salesOfOrder } from '../domain/sales.ts';
import type { ConfirmedOrders, OrderHistory, UserStats } from '../ports/projections.ts';
import { refreshTopProducts, type TopProductsPorts } from './refresh-top-products.ts';

export interface OrderProjectionPorts extends TopProductsPorts {
  history: OrderHistory;
  stats: UserStats;
  confirmed: ConfirmedOrders;
}

/** Saves of the recent orders lost to concurrent projectors of the same user before the record is failed and retried. */
const VERSION_RACES = { attempts: 10, baseMs: 25, capMs: 500 };

/**
 * Projects one order change into the read models (docs/data-model.md, "Write cost of an order"):
 * - PENDING or REJECTED: the user's history entry and the recent orders, each written on its own,
 *   each idempotent (a later status wins; the recent orders are rewritten only when they change);
 * - CONFIRMED: one transaction with the history entry as its guard — the count, lifetime value,
 *   recent orders and product sales go in with it or not at all, so a redelivered change adds
 *   nothing — then the top-products board when its ranking changed.
 */
export async function projectOrder(change: OrderChange, ports: OrderProjectionPorts): Promise<void> {
  const summary = summaryOf(change);
  if (change.status !== 'CONFIRMED') {
    await ports.history.record(change.userId, summary);
    await recordRecentOrder(change.userId, summary, ports.stats);
    return;
  }
  await recordConfirmedOrder(change, summary, ports);
  await refreshTopProducts(change.items.map((line) => line.productId), ports);
}

/** The recent orders after this one, or undefined when it leaves them as they are. */
function recentOrdersWith(orders: OrderSummary[], summary: OrderSummary): OrderSummary[] | undefined {
  const existing = orders.find((order) => order.orderId === summary.orderId);
  if (existing && !isNewerStatus(summary.status, existing.status)) return undefined;
  const next = mergeRecentOrders(orders, summary);
  return next.some((order) => order.orderId === summary.orderId) ? next : undefined; // older than the five kept
}

/** Upserts the order into the user's five recent orders: a read-modify-write checked by version. */
async function recordRecentOrder(userId: string, summary: OrderSummary, stats: UserStats): Promise<void> {
  const recorded = await retry(VERSION_RACES, async () => {
    const { orders, version } = await stats.readRecentOrders(userId);
    const next = recentOrdersWith(orders, summary);
    if (!next) return 'unchanged';
    return (await stats.saveRecentOrders(userId, next, version)) === 'saved' ? 'saved' : AGAIN;
  });
  if (recorded === AGAIN) throw new UnavailableError(`recent orders of ${userId} kept changing under us`, 1);
}

/** The confirmed order's transaction, re-read and retried while the recent orders or the items race. */
async function recordConfirmedOrder(change: OrderChange, summary: OrderSummary, ports: OrderProjectionPorts): Promise<void> {
  const sales = salesOfOrder(change.items);
  const recorded = await retry(VERSION_RACES, async (): Promise<string | Again> => {
    const { orders, version } = await ports.stats.readRecentOrders(change.userId);
    const next = recentOrdersWith(orders, summary);
    const outcome = await ports.confirmed.record({ userId: change.userId, summary, sales, ...(next ? { recentOrders: { orders: next, version } } : {}) });
    return outcome === 'raced' || outcome === 'contended' ? AGAIN : outcome;
  });
  if (recorded === AGAIN) throw new UnavailableError(`the read models of order ${change.orderId} kept changing under us`, 1);
}
