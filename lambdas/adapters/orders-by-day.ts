import { config } from '../config.ts';
import type { OrderStatus } from '../domain/order-rules.ts';
import { mergeShardPages } from '../domain/pagination.ts';
import { allShards } from '../domain/sharding.ts';
import { Order, type OrderItem } from '../model/order.ts';

/**
 * AP12: a day's orders (optionally of one status), newest first. One Query per shard, in parallel,
 * merged by order id (ULIDs sort by time); `before` continues below the previous page's last id.
 */
export async function listOrdersOfDay(
  day: string,
  options: { status?: OrderStatus; limit: number; before?: string },
): Promise<{ items: OrderItem[]; before: string | null }> {
  const pages = await Promise.all(
    allShards(config.orderShardCount).map(async (shard) => {
      const index = options.status
        ? Order.query.byDayStatus({ day, status: options.status, shard })
        : Order.query.byDay({ day, shard });
      const query = options.before ? index.lt({ orderId: options.before }) : index;
      const { data, cursor } = await query.go({ order: 'desc', limit: options.limit });
      return { items: data, hasMore: cursor !== null };
    }),
  );
  return mergeShardPages(pages, options.limit, (order) => order.orderId);
}
