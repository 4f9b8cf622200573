import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { OrderSummary } from '../domain/order-rules.ts';
import type { OrderChange } from '../domain/projections.ts';
import type { OrderHistory, UserStats } from '../ports/projections.ts';
import { Order } from '../model/order.ts';
import { commerce } from '../model/service.ts';
import { UserOrder } from '../model/user-order.ts';
import { UserStats as UserStatsEntity } from '../model/user-stats.ts';
import { conditionHeld } from './aws-errors.ts';

/** The order in a stream record's new image; null for any other item. */
export function orderChangeOfImage(image: unknown): OrderChange | null {
  if (!image) return null;
  const { data: order } = Order.parse({ Item: unmarshall(image as Record<string, AttributeValue>) });
  if (!order) return null;
  return {
    orderId: order.orderId,
    userId: order.userId,
    status: order.status,
    totalCents: order.totalCents ?? 0,
    createdAt: order.createdAt,
    items: order.items.map(({ productId, quantity, unitPriceCents }) => ({ productId, quantity, ...(unitPriceCents !== undefined ? { unitPriceCents } : {}) })),
  };
}

/**
 * Writes the order into the user's history unless the history already holds a later status
 * (a replayed PENDING never overwrites CONFIRMED). Idempotent.
 */
export async function upsertHistory(userId: string, summary: OrderSummary): Promise<'recorded' | 'superseded'> {
  const put = UserOrder.put({ userId, ...summary })
    .where((attr, { notExists, eq }) =>
      summary.status === 'PENDING' ? notExists(attr.orderId) : `${notExists(attr.orderId)} OR ${eq(attr.status, 'PENDING')}`,
    )
    .go();
  return (await conditionHeld(put)) ? 'recorded' : 'superseded';
}

/**
 * Adds a confirmed order to the user's count and lifetime value exactly once: the history item's
 * `counted` flag and the stats increment commit together, so a redelivered record adds nothing.
 */
export async function countConfirmedOrder(userId: string, orderId: string, totalCents: number): Promise<'counted' | 'already-counted'> {
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
  if (!canceled) return 'counted';
  if (data[0]?.code === 'ConditionalCheckFailed') return 'already-counted';
  throw new Error(`Counting order ${orderId} was canceled: ${data.map((r) => r.code).join(',')}`);
}

/** The five recent orders embedded on the user's stats, with their version: one consistent GetItem. */
export async function readRecentOrders(userId: string): Promise<{ orders: OrderSummary[]; version: number | undefined }> {
  const { data: stats } = await UserStatsEntity.get({ userId }).go({ consistent: true });
  return { orders: (stats?.recentOrders ?? []) as OrderSummary[], version: stats?.version };
}

/** Replaces the recent orders if nobody changed them since `version` was read (optimistic concurrency). */
export async function saveRecentOrders(userId: string, orders: OrderSummary[], version: number | undefined): Promise<'saved' | 'raced'> {
  const update = UserStatsEntity.update({ userId })
    .set({ recentOrders: orders, version: (version ?? 0) + 1 })
    .where((attr, { notExists, eq }) => (version === undefined ? notExists(attr.version) : eq(attr.version, version)))
    .go();
  return (await conditionHeld(update)) ? 'saved' : 'raced';
}

export const orderHistory: OrderHistory = { record: upsertHistory };
export const userStats: UserStats = { countConfirmedOrder, readRecentOrders, saveRecentOrders };
