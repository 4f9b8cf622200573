import type { Allocation, OrderEventDraft, PricedLine, RejectionReason } from '../domain/orders.ts';
import type { OrderItem } from '../model/order.ts';
import { commerce } from '../model/service.ts';

export type CommitResult = 'committed' | 'already-settled' | 'stock-changed' | 'conflict';

interface PaymentRecord {
  provider: string;
  reference: string;
  amountCents: number;
  status: 'AUTHORIZED' | 'DECLINED' | 'VOIDED';
}

/** Reads the cancellation reasons of a settlement transaction: item 0 is always the order. */
function classify(canceled: boolean, codes: Array<string | undefined>): CommitResult {
  if (!canceled) return 'committed';
  if (codes[0] === 'ConditionalCheckFailed') return 'already-settled';
  if (codes.some((code) => code === 'ConditionalCheckFailed')) return 'stock-changed';
  return 'conflict';
}

/**
 * Confirms an order in one transaction: the order moves PENDING → CONFIRMED (the guard that makes
 * a redelivered message settle nothing twice), each stock decrement is conditioned on enough units
 * (no oversell under any concurrency), and the payment and numbered events are appended.
 */
export async function commitConfirmation(input: {
  order: OrderItem;
  lines: PricedLine[];
  subtotalCents: number;
  allocations: Allocation[];
  payment: PaymentRecord;
  events: OrderEventDraft[];
  now: string;
}): Promise<CommitResult> {
  const { order, now } = input;
  const lastSeq = input.events.at(-1)?.seq ?? order.eventSeq;
  const { canceled, data } = await commerce.transaction
    .write(({ order: orders, inventory, payment, orderEvent }) => [
      orders
        .patch({ orderId: order.orderId })
        .set({ status: 'CONFIRMED', items: input.lines, subtotalCents: input.subtotalCents, discountCents: 0, totalCents: input.subtotalCents, eventSeq: lastSeq, updatedAt: now })
        .composite({ day: order.day, shard: order.shard })
        .where(({ status }, { eq }) => eq(status, 'PENDING'))
        .commit(),
      ...input.allocations.map((allocation) =>
        inventory
          .patch({ productId: allocation.productId, warehouseId: allocation.warehouseId })
          .subtract({ available: allocation.quantity })
          .set({ updatedAt: now })
          .where(({ available }, { gte }) => gte(available, allocation.quantity))
          .commit(),
      ),
      payment.create({ orderId: order.orderId, ...input.payment, createdAt: now }).commit(),
      ...input.events.map((event) =>
        orderEvent.create({ orderId: order.orderId, userId: order.userId, at: now, ...event }).commit(),
      ),
    ])
    .go();
  return classify(canceled, data.map((result) => result.code));
}

/** Rejects an order with its reason and event, guarded by the same PENDING condition. */
export async function commitRejection(input: {
  order: OrderItem;
  reason: RejectionReason;
  events: OrderEventDraft[];
  payment?: PaymentRecord;
  now: string;
}): Promise<CommitResult> {
  const { order, now } = input;
  const lastSeq = input.events.at(-1)?.seq ?? order.eventSeq;
  const { canceled, data } = await commerce.transaction
    .write(({ order: orders, payment, orderEvent }) => [
      orders
        .patch({ orderId: order.orderId })
        .set({ status: 'REJECTED', rejectionReason: input.reason, eventSeq: lastSeq, updatedAt: now })
        .composite({ day: order.day, shard: order.shard })
        .where(({ status }, { eq }) => eq(status, 'PENDING'))
        .commit(),
      ...(input.payment ? [payment.put({ orderId: order.orderId, ...input.payment, createdAt: now }).commit()] : []),
      ...input.events.map((event) =>
        orderEvent.create({ orderId: order.orderId, userId: order.userId, at: now, ...event }).commit(),
      ),
    ])
    .go();
  return classify(canceled, data.map((result) => result.code));
}
