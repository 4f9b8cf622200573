import { Service } from 'electrodb';
import { config } from '../config.ts';
import { dayOf, type Order } from '../domain/order-rules.ts';
import { shardFor } from '../domain/sharding.ts';
import { Inventory, InventoryBeforeBuckets } from '../model/inventory.ts';
import { Order as OrderEntity } from '../model/order.ts';
import { OrderEvent } from '../model/order-event.ts';
import { Payment } from '../model/payment.ts';
import { Promotion } from '../model/promotion.ts';
import { entityConfig } from '../model/table.ts';
import type { CommitResult, Confirmation, Rejection } from '../ports/orders.ts';

/** The entities of the settlement transactions — a service of its own, so that a function constructs only the entities its adapters use. */
const settlement = new Service(
  { order: OrderEntity, promotion: Promotion, inventory: Inventory, inventoryBeforeBuckets: InventoryBeforeBuckets, payment: Payment, orderEvent: OrderEvent },
  entityConfig,
);

/**
 * The index keys of an order, as placement filed it (order-store.ts): the day it was placed and the
 * hash shard of its id. ElectroDB needs them to rewrite the keys that change with the status.
 */
const filedUnder = (order: Order) => ({ day: dayOf(order.createdAt), shard: shardFor(order.orderId, config.orderShardCount) });

/**
 * A settled order keeps neither the payment token nor the backstop's bookkeeping; its sparse
 * pending-index keys go too (the index's condition sees status ≠ PENDING, and `shard` is given).
 */
const SETTLED_REMOVES = ['paymentToken', 'redriveCount', 'redrivenAt'] as const;

/**
 * Reads the cancellation reasons of a settlement transaction: item 0 is always the order, item 1
 * the promotion when the order redeems one.
 */
function classify(canceled: boolean, codes: Array<string | undefined>, redeemsPromotion = false): CommitResult {
  if (!canceled) return 'committed';
  if (codes[0] === 'ConditionalCheckFailed') return 'already-settled';
  if (redeemsPromotion && codes[1] === 'ConditionalCheckFailed') return 'promotion-unavailable';
  if (codes.some((code) => code === 'ConditionalCheckFailed')) return 'stock-changed';
  return 'conflict';
}

/**
 * Confirms an order in one transaction: the order moves PENDING → CONFIRMED while still at the event
 * number it was read (or copied by the relay) at — the guard that makes a redelivered message settle
 * nothing twice, and a stale copy settle nothing (the backstop's later message reads the order);
 * the promotion (if any) counts one redemption while it still exists, is under its cap and unexpired
 * (never past maxRedemptions, whatever the concurrency); each stock decrement is conditioned on
 * enough units (no oversell); and the payment and numbered events are appended.
 */
export async function commitConfirmation(input: Confirmation): Promise<CommitResult> {
  const { order, now, promotionCode } = input;
  const lastSeq = input.events.at(-1)?.seq ?? order.eventSeq;
  const { canceled, data } = await settlement.transaction
    .write(({ order: orders, promotion, inventory, inventoryBeforeBuckets, payment, orderEvent }) => [
      orders
        .patch({ orderId: order.orderId })
        .set({ status: 'CONFIRMED', items: input.lines, ...input.totals, eventSeq: lastSeq, updatedAt: now })
        .remove([...SETTLED_REMOVES])
        .composite(filedUnder(order))
        .where(({ status, eventSeq }, { eq }) => `${eq(status, 'PENDING')} AND ${eq(eventSeq, order.eventSeq)}`)
        .commit(),
      ...(promotionCode
        ? [
            promotion
              .patch({ code: promotionCode })
              .add({ redemptions: 1 })
              .where(
                ({ redemptions, maxRedemptions, validUntil }, { name, notExists, gt }) =>
                  `(${notExists(maxRedemptions)} OR ${name(redemptions)} < ${name(maxRedemptions)}) AND (${notExists(validUntil)} OR ${gt(validUntil, now)})`,
              )
              .commit(),
          ]
        : []),
      // One decrement per bucket taken (decision 0013); a schema-1 item is its warehouse's one bucket.
      ...input.allocations.map(({ productId, warehouseId, bucket, quantity }) =>
        bucket === undefined
          ? inventoryBeforeBuckets
              .patch({ productId, warehouseId })
              .subtract({ available: quantity })
              .set({ updatedAt: now })
              .where(({ available }, { gte }) => gte(available, quantity))
              .commit()
          : inventory
              .patch({ productId, warehouseId, bucket })
              .subtract({ available: quantity })
              .set({ updatedAt: now })
              .where(({ available }, { gte }) => gte(available, quantity))
              .commit(),
      ),
      payment.create({ orderId: order.orderId, ...input.payment, createdAt: now }).commit(),
      ...input.events.map((event) =>
        orderEvent.create({ orderId: order.orderId, userId: order.userId, at: now, ...event }).commit(),
      ),
    ])
    .go();
  return classify(canceled, data.map((result) => result.code), promotionCode !== undefined);
}

/** Rejects an order with its reason and event, guarded by the same PENDING and event-number condition. */
export async function commitRejection(input: Rejection): Promise<CommitResult> {
  const { order, now } = input;
  const lastSeq = input.events.at(-1)?.seq ?? order.eventSeq;
  const { canceled, data } = await settlement.transaction
    .write(({ order: orders, payment, orderEvent }) => [
      orders
        .patch({ orderId: order.orderId })
        .set({ status: 'REJECTED', rejectionReason: input.reason, eventSeq: lastSeq, updatedAt: now })
        .remove([...SETTLED_REMOVES])
        .composite(filedUnder(order))
        .where(({ status, eventSeq }, { eq }) => `${eq(status, 'PENDING')} AND ${eq(eventSeq, order.eventSeq)}`)
        .commit(),
      ...(input.payment ? [payment.put({ orderId: order.orderId, ...input.payment, createdAt: now }).commit()] : []),
      ...input.events.map((event) =>
        orderEvent.create({ orderId: order.orderId, userId: order.userId, at: now, ...event }).commit(),
      ),
    ])
    .go();
  return classify(canceled, data.map((result) => result.code));
}
