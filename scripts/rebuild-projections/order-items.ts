import { batchGetAll } from '../../lambdas/adapters/batch-get.ts';
import { isConditionFailure } from '../../lambdas/adapters/aws-errors.ts';
import { isNewerStatus } from '../../lambdas/domain/order-rules.ts';
import { OrderEvent } from '../../lambdas/model/order-event.ts';
import { UserOrder, type UserOrderItem } from '../../lambdas/model/user-order.ts';
import { historyOf, type SourceOrder } from './read-models.ts';
import type { Findings } from './findings.ts';

/**
 * What the rebuild checks and repairs per order, page by page: the order's head against its event
 * log, and its item in the user's history — for a confirmed order, also the projector's guard.
 */

export interface ScannedOrder extends SourceOrder {
  /** Sequence number of the order's latest event. */
  eventSeq: number;
}

/** The event that must close the log of an order in a final status. */
const CLOSING_EVENT: Record<string, string> = { CONFIRMED: 'OrderConfirmed', REJECTED: 'OrderRejected' };

/**
 * Orders whose latest event contradicts their status: their item and log disagree, so neither can
 * be trusted to rebuild from — reported, and their user and products are left alone.
 */
export async function ordersDisagreeingWithTheirLog(orders: readonly ScannedOrder[]): Promise<ScannedOrder[]> {
  const settled = orders.filter((order) => CLOSING_EVENT[order.status]);
  const events = await batchGetAll(
    settled.map((order) => ({ orderId: order.orderId, seq: order.eventSeq })),
    (keys) => OrderEvent.get(keys).go({ consistent: true }),
  );
  const lastType = new Map(events.map((event) => [event.orderId, event.type]));
  return settled.filter((order) => lastType.get(order.orderId) !== CLOSING_EVENT[order.status]);
}

const fieldsOf = (item: UserOrderItem | undefined) =>
  item && { orderId: item.orderId, status: item.status, totalCents: item.totalCents, createdAt: item.createdAt };

/**
 * Puts each order's history item right, unless the history already shows a later status (the order
 * moved on after the Scan read it: the live projector has it). Every write is conditioned on the
 * item being as it was read, so a concurrent projector write is never overwritten. A confirmed
 * order's item says CONFIRMED: the stats and sales are then written absolutely, and the projector,
 * finding its guard, never adds the order again.
 */
export async function repairHistory(orders: readonly ScannedOrder[], findings: Findings, apply: boolean): Promise<void> {
  const live = await batchGetAll(
    orders.map(({ userId, orderId }) => ({ userId, orderId })),
    (keys) => UserOrder.get(keys).go({ consistent: true }),
  );
  const byId = new Map(live.map((item) => [item.orderId, item]));
  for (const order of orders) {
    const current = byId.get(order.orderId);
    if (current && isNewerStatus(current.status, order.status)) {
      findings.changed(order);
      continue;
    }
    const expected = historyOf(order);
    const have = JSON.stringify(fieldsOf(current));
    if (have === JSON.stringify(expected)) continue;
    findings.difference('orderHistory', `${order.userId}/${order.orderId}: ${have ?? 'missing'} → ${JSON.stringify(expected)}`);
    if (apply && !(await putHistory(order, current))) findings.changed(order);
  }
}

async function putHistory(order: ScannedOrder, current: UserOrderItem | undefined): Promise<boolean> {
  try {
    await UserOrder.put({ userId: order.userId, ...historyOf(order) })
      .where((attr, { notExists, eq }) => (current ? eq(attr.status, current.status) : notExists(attr.orderId)))
      .go();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
