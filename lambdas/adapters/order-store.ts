import { config } from '../config.ts';
import { mergeShardPages } from '../domain/pagination.ts';
import { dayOf, type OrderStatus } from '../domain/order-rules.ts';
import { allShards, shardFor } from '../domain/sharding.ts';
import { IdempotencyRecord, type IdempotencyItem } from '../model/idempotency.ts';
import { Order, type OrderItem } from '../model/order.ts';
import { OrderEvent, type OrderEventItem } from '../model/order-event.ts';
import { commerce } from '../model/service.ts';
import { UserOrder, type UserOrderItem } from '../model/user-order.ts';
import type { NewOrder, PlacementOutcome } from '../ports/orders.ts';

export async function getIdempotencyRecord(userId: string, key: string): Promise<IdempotencyItem | undefined> {
  const { data } = await IdempotencyRecord.get({ userId, key }).go({ consistent: true });
  return data ?? undefined;
}

/**
 * Records a PENDING order, its OrderPlaced event and the idempotency record in one transaction; the
 * table's stream takes it to settlement from there (decision 0004). When the key was already used,
 * nothing is written and the existing record comes back with the cancellation (no prior read).
 */
export async function recordPlacedOrder(
  order: NewOrder,
  idempotency: { key: string; requestHash: string },
): Promise<PlacementOutcome> {
  const ttl = Math.floor(Date.parse(order.createdAt) / 1000) + config.idempotencyTtlSeconds;
  const day = dayOf(order.createdAt);
  const shard = shardFor(order.orderId, config.orderShardCount);
  const { canceled, data } = await commerce.transaction
    .write(({ idempotency: record, order: orders, orderEvent }) => [
      record
        .create({ userId: order.userId, key: idempotency.key, requestHash: idempotency.requestHash, orderId: order.orderId, createdAt: order.createdAt, ttl })
        .commit({ response: 'all_old' }),
      orders
        .create({ ...order, day, shard, status: 'PENDING', eventSeq: 1, updatedAt: order.createdAt })
        .commit(),
      orderEvent
        .create({ orderId: order.orderId, seq: 1, userId: order.userId, type: 'OrderPlaced', at: order.createdAt, data: { items: order.items, ...(order.promotionCode ? { promotionCode: order.promotionCode } : {}), ...(order.fromCart ? { fromCart: true } : {}) } })
        .commit(),
    ])
    .go();
  if (!canceled) return { outcome: 'recorded' };
  if (data[0]?.code === 'ConditionalCheckFailed') {
    const existing = (data[0].item as IdempotencyItem | null) ?? (await getIdempotencyRecord(order.userId, idempotency.key));
    if (existing) return { outcome: 'key-used', record: existing };
  }
  // A concurrent request with the same key holds the record: the client's retry finds its order.
  if (data.some((result) => result.code === 'TransactionConflict')) return { outcome: 'key-in-progress' };
  throw new Error(`Placing order ${order.orderId} was canceled: ${data.map((r) => r.code).join(',')}`);
}

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

/** AP11: the user's order history, newest first — one Query on the user's partition. */
export async function listUserOrders(
  userId: string,
  options: { limit: number; before?: string },
): Promise<{ items: UserOrderItem[]; before: string | null }> {
  const index = UserOrder.query.byUser({ userId });
  const query = options.before ? index.lt({ orderId: options.before }) : index;
  const { data, cursor } = await query.go({ order: 'desc', limit: options.limit });
  const last = data.at(-1);
  return { items: data, before: cursor !== null && last ? last.orderId : null };
}
