import { isNewerStatus, mergeRecentOrders, type OrderSummary } from '../domain/order-rules.ts';
import { commerce } from '../model/service.ts';
import { UserOrder } from '../model/user-order.ts';
import { UserStats } from '../model/user-stats.ts';
import { isConditionFailure } from './aws-errors.ts';

/**
 * Writes the order into the user's history unless the history already holds a later status
 * (a replayed PENDING never overwrites CONFIRMED). Idempotent.
 */
export async function upsertHistory(userId: string, summary: OrderSummary): Promise<void> {
  try {
    await UserOrder.put({ userId, ...summary })
      .where((attr, { notExists, eq }) =>
        summary.status === 'PENDING' ? notExists(attr.orderId) : `${notExists(attr.orderId)} OR ${eq(attr.status, 'PENDING')}`,
      )
      .go();
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Adds a confirmed order to the user's count and lifetime value exactly once: the history item's
 * `counted` flag and the stats increment commit together, so a redelivered record adds nothing.
 */
export async function countConfirmedOrder(userId: string, orderId: string, totalCents: number): Promise<boolean> {
  const { canceled, data } = await commerce.transaction
    .write(({ userOrder, userStats }) => [
      userOrder
        .patch({ userId, orderId })
        .set({ counted: true })
        .where(({ counted }, { notExists }) => notExists(counted))
        .commit(),
      userStats.update({ userId }).add({ orderCount: 1, lifetimeValueCents: totalCents }).commit(),
    ])
    .go();
  if (!canceled) return true;
  if (data[0]?.code === 'ConditionalCheckFailed') return false;
  throw new Error(`Counting order ${orderId} was canceled: ${data.map((r) => r.code).join(',')}`);
}

const MAX_VERSION_RACES = 10;

/** Upserts the order into the five recent orders embedded on the user's stats (optimistic concurrency). */
export async function recordRecentOrder(userId: string, summary: OrderSummary): Promise<void> {
  for (let race = 0; race < MAX_VERSION_RACES; race++) {
    const { data: stats } = await UserStats.get({ userId }).go({ consistent: true });
    const current = (stats?.recentOrders ?? []) as OrderSummary[];
    const existing = current.find((order) => order.orderId === summary.orderId);
    if (existing && !isNewerStatus(summary.status, existing.status)) return;
    const next = mergeRecentOrders(current, summary);
    if (!next.some((order) => order.orderId === summary.orderId)) return; // older than the five kept
    const version = stats?.version;
    try {
      await UserStats.update({ userId })
        .set({ recentOrders: next, version: (version ?? 0) + 1 })
        .where((attr, { notExists, eq }) => (version === undefined ? notExists(attr.version) : eq(attr.version, version)))
        .go();
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  throw new Error(`recent orders of ${userId} kept changing under us`);
}
