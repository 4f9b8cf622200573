import { config } from '../config.ts';
import type { OrderStatus } from '../domain/order-rules.ts';
import { mergeShardPages } from '../domain/pagination.ts';
import { allShards } from '../domain/sharding.ts';
import { Order, type OrderItem } from '../model/order.ts';
import { OrderEvent, type OrderEventItem } from '../model/order-event.ts';

/** AP9: the order with its lines — one GetItem. */
export async function getOrder(orderId: string, options: { consistent?: boolean } = {}): Promise<OrderItem | undefined> {
  const { data } = await Order.get({ orderId }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}

/** AP10: the order's events in sequence — one Query. */
export async function getOrderEvents(orderId: string): Promise<OrderEventItem[]> {
  const { data } = await OrderEvent.query.byOrder({ orderId }).go({ pages: 'all' });
  return data;
}

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
