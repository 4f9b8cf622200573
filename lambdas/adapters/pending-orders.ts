import { config } from '../config.ts';
import { conditionHeld } from './aws-errors.ts';
import { firstIdAt } from '../domain/order-ids.ts';
import { allShards } from '../domain/sharding.ts';
import { Order, type OrderItem } from '../model/order.ts';

/** Oldest first: order ids are ULIDs of the instant the order was placed. */
const byAge = (a: OrderItem, b: OrderItem) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0);

/** The most stuck orders one backstop run takes from each shard; the next run takes the rest. */
const MAX_PER_SHARD = 500;

/**
 * PENDING orders created before `instant`, oldest first, from the sparse pending index (gsi3): one
 * Query per shard in parallel, never a Scan. The index is eventually consistent, so an order may
 * already be settled; everything done with the result is conditioned on PENDING.
 */
export async function pendingOrdersCreatedBefore(instant: number): Promise<OrderItem[]> {
  const pages = await Promise.all(
    allShards(config.orderShardCount).map(async (shard) => {
      const { data } = await Order.query.pending({ shard }).lt({ orderId: firstIdAt(instant) }).go({ order: 'asc', limit: MAX_PER_SHARD, pages: 'all' });
      return data.filter((order) => order.status === 'PENDING');
    }),
  );
  return pages.flat().sort(byAge);
}

/** The oldest PENDING order of all shards (one single-item Query per shard), or undefined. */
export async function oldestPendingOrder(): Promise<OrderItem | undefined> {
  const heads = await Promise.all(
    allShards(config.orderShardCount).map(async (shard) => (await Order.query.pending({ shard }).go({ order: 'asc', limit: 1 })).data[0]),
  );
  return heads.filter((order): order is OrderItem => order !== undefined).sort(byAge)[0];
}

/**
 * Counts one re-drive of a still-PENDING order. The order's index keys are not touched (no composite
 * attributes given), so it stays in the pending index. Returns false if it is no longer PENDING.
 */
export async function markRedriven(orderId: string, now: string): Promise<boolean> {
  return conditionHeld(
    Order.patch({ orderId })
      .add({ redriveCount: 1 })
      .set({ redrivenAt: now })
      .where(({ status }, { eq }) => eq(status, 'PENDING'))
      .go({ response: 'none' }),
  );
}
