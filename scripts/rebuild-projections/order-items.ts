import { batchGetAll } from '../../lambdas/adapters/batch-get.ts';
import { isConditionFailure } from '../../lambdas/adapters/aws-errors.ts';
import { isNewerStatus } from '../../lambdas/domain/order-rules.ts';
import { OrderEvent } from '../../lambdas/model/order-event.ts';
import { ProjectionMark } from '../../lambdas/model/projection-mark.ts';
import { UserOrder, type UserOrderItem } from '../../lambdas/model/user-order.ts';
import { historyOf, type SourceOrder } from './read-models.ts';
import type { Findings } from './findings.ts';

/**
 * What the rebuild checks and repairs per order, page by page: the order's head against its event
 * log, its item in the user's history (with the `counted` flag), and its `sales` projection mark.
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
  item && { orderId: item.orderId, status: item.status, totalCents: item.totalCents, createdAt: item.createdAt, counted: item.counted === true };

/**
 * Puts each order's history item right, unless the history already shows a later status (the order
 * moved on after the Scan read it: the live projector has it). Every write is conditioned on the
 * item being as it was read, so a concurrent projector write is never overwritten. A confirmed
 * order gets `counted`: the stats are then written absolutely and the projector, finding the flag,
 * never adds the order again; any other order loses a stray flag.
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
  const { counted, ...summary } = historyOf(order);
  try {
    await UserOrder.put({ userId: order.userId, ...summary, ...(counted ? { counted } : {}) })
      .where((attr, { notExists, exists, eq }) => {
        if (!current) return notExists(attr.orderId);
        return `${eq(attr.status, current.status)} AND ${current.counted ? exists(attr.counted) : notExists(attr.counted)}`;
      })
      .go();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Creates the `sales` mark of every confirmed order that lacks it (attribute_not_exists, as the
 * projector does): product sales are then written absolutely, and a later delivery of the order's
 * stream record finds the mark and adds nothing.
 */
export async function repairSalesMarks(orders: readonly ScannedOrder[], findings: Findings, apply: boolean, now: string): Promise<void> {
  const sold = orders.filter((order) => order.status === 'CONFIRMED' && order.items.length > 0);
  const marks = await batchGetAll(
    sold.map(({ orderId }) => ({ orderId, projection: 'sales' })),
    (keys) => ProjectionMark.get(keys).go({ consistent: true }),
  );
  const marked = new Set(marks.map((mark) => mark.orderId));
  for (const order of sold.filter((candidate) => !marked.has(candidate.orderId))) {
    findings.difference('salesMark', `${order.orderId}: missing → created`);
    if (!apply) continue;
    try {
      await ProjectionMark.create({ orderId: order.orderId, projection: 'sales', at: now }).go();
    } catch (error) {
      // The projector counted the order meanwhile: the product sales read later include it.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
