import { UnavailableError } from '../domain/errors.ts';
import { isNewerStatus, mergeRecentOrders, type OrderSummary } from '../domain/order-rules.ts';
import { type OrderChange, summaryOf } from '../domain/projections.ts';
import { AGAIN, retry } from '../domain/retry.ts';
import type { OrderHistory, UserStats } from '../ports/projections.ts';
import { projectSales, type SalesProjectionPorts } from './project-sales.ts';

export interface OrderProjectionPorts extends SalesProjectionPorts {
  history: OrderHistory;
  stats: UserStats;
}

/** Saves of the recent orders lost to concurrent projectors of the same user before the record is failed and retried. */
const VERSION_RACES = { attempts: 10, baseMs: 25, capMs: 500 };

/**
 * Projects one order change into the user's read models and, once confirmed, into product sales
 * and the top-products board. Each step is idempotent on its own, so a redelivered change — or a
 * retry after a partial failure — changes nothing twice.
 */
export async function projectOrder(change: OrderChange, ports: OrderProjectionPorts): Promise<void> {
  const summary = summaryOf(change);
  await ports.history.record(change.userId, summary);
  if (change.status === 'CONFIRMED') await ports.stats.countConfirmedOrder(change.userId, change.orderId, summary.totalCents);
  await recordRecentOrder(change.userId, summary, ports.stats);
  if (change.status === 'CONFIRMED') await projectSales(change, ports);
}

/** Upserts the order into the user's five recent orders: a read-modify-write checked by version. */
async function recordRecentOrder(userId: string, summary: OrderSummary, stats: UserStats): Promise<void> {
  const recorded = await retry(VERSION_RACES, async () => {
    const { orders, version } = await stats.readRecentOrders(userId);
    const existing = orders.find((order) => order.orderId === summary.orderId);
    if (existing && !isNewerStatus(summary.status, existing.status)) return 'unchanged';
    const next = mergeRecentOrders(orders, summary);
    if (!next.some((order) => order.orderId === summary.orderId)) return 'unchanged'; // older than the five kept
    return (await stats.saveRecentOrders(userId, next, version)) === 'saved' ? 'saved' : AGAIN;
  });
  if (recorded === AGAIN) throw new UnavailableError(`recent orders of ${userId} kept changing under us`, 1);
}
