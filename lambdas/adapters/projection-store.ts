import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { Service } from 'electrodb';
import type { OrderSummary } from '../domain/order-rules.ts';
import type { OrderChange } from '../domain/projections.ts';
import type { ConfirmedOrder, ConfirmedOrders, OrderHistory, UserStats } from '../ports/projections.ts';
import { Order } from '../model/order.ts';
import { ProductSales } from '../model/product-sales.ts';
import { entityConfig } from '../model/table.ts';
import { UserOrder } from '../model/user-order.ts';
import { UserStats as UserStatsEntity } from '../model/user-stats.ts';
import { conditionHeld } from './aws-errors.ts';

/** The entities of a confirmed order's read-model transaction — a service of its own, so that a function constructs only the entities its adapters use. */
const readModels = new Service({ userOrder: UserOrder, userStats: UserStatsEntity, productSales: ProductSales }, entityConfig);

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
 * A confirmed order's read models in one transaction (docs/data-model.md, "Write cost of an
 * order"): item 0 is the history entry, put CONFIRMED only while the history has it PENDING or not
 * at all — the exactly-once guard, so a redelivered record fails it and adds nothing; item 1 the
 * user's count and lifetime value, with the recent orders when they change (at the version read);
 * then each product's units and revenue.
 */
export async function recordConfirmedOrder(order: ConfirmedOrder): Promise<'recorded' | 'already-recorded' | 'raced' | 'contended'> {
  const { userId, summary, recentOrders, sales } = order;
  const { canceled, data } = await readModels.transaction
    .write(({ userOrder, userStats, productSales }) => [
      userOrder
        .put({ userId, ...summary })
        .where((attr, { notExists, eq }) => `${notExists(attr.orderId)} OR ${eq(attr.status, 'PENDING')}`)
        .commit(),
      recentOrders
        ? userStats
            .update({ userId })
            .add({ orderCount: 1, lifetimeValueCents: summary.totalCents })
            .set({ recentOrders: recentOrders.orders, version: (recentOrders.version ?? 0) + 1 })
            .where((attr, { notExists, eq }) => (recentOrders.version === undefined ? notExists(attr.version) : eq(attr.version, recentOrders.version)))
            .commit()
        : userStats.update({ userId }).add({ orderCount: 1, lifetimeValueCents: summary.totalCents }).commit(),
      ...sales.map((sale) =>
        productSales
          .update({ productId: sale.productId })
          .add({ unitsSold: sale.units, revenueCents: sale.revenueCents })
          .set({ schemaVersion: 1 })
          .commit(),
      ),
    ])
    .go();
  if (!canceled) return 'recorded';
  const codes = data.map((result) => result.code);
  if (codes[0] === 'ConditionalCheckFailed') return 'already-recorded';
  if (codes[1] === 'ConditionalCheckFailed') return 'raced';
  if (codes.some((code) => code === 'TransactionConflict')) return 'contended';
  throw new Error(`Recording confirmed order ${summary.orderId} was canceled: ${codes.join(',')}`);
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
export const userStats: UserStats = { readRecentOrders, saveRecentOrders };
export const confirmedOrders: ConfirmedOrders = { record: recordConfirmedOrder };
