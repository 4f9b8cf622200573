import { Service } from 'electrodb';
import { config } from '../config.ts';
import { dayOf } from '../domain/order-rules.ts';
import { shardFor } from '../domain/sharding.ts';
import { IdempotencyRecord, type IdempotencyItem } from '../model/idempotency.ts';
import { Order } from '../model/order.ts';
import { OrderEvent } from '../model/order-event.ts';
import { entityConfig } from '../model/table.ts';
import type { NewOrder, PlacementOutcome } from '../ports/orders.ts';

/** The entities of the placement transaction — a service of its own, so that a function constructs only the entities its adapters use. */
const placement = new Service({ idempotency: IdempotencyRecord, order: Order, orderEvent: OrderEvent }, entityConfig);

/** POST /orders: placing an order (decision 0004). Reading orders is order-reads.ts's. */

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
  const { canceled, data } = await placement.transaction
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
