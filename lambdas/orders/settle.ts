import {
  allocateStock,
  confirmationEvents,
  type Order,
  orderTotals,
  priceLines,
  rejectionEvents,
  type RejectionReason,
  type StockBucket,
  stockWriteBudget,
  warehouseAllocations,
} from '../domain/order-rules.ts';
import { discountFor } from '../domain/promotions.ts';
import { AGAIN, type Again, retry } from '../domain/retry.ts';
import type { CommitResult, PaymentRecord, SettlementPorts } from '../ports/orders.ts';
import type { PendingOrderCopy } from '../ports/settlement-message.ts';

export type SettlementResult = 'confirmed' | 'rejected' | 'already-settled';

export class OrderNotFoundError extends Error {
  constructor(orderId: string) {
    super(`Order ${orderId} does not exist`);
    this.name = 'OrderNotFoundError';
  }
}

/** A transaction that keeps losing races is retried later through the queue, not here forever. */
export class SettlementContendedError extends Error {
  constructor(orderId: string) {
    super(`Order ${orderId} kept conflicting with concurrent settlements`);
    this.name = 'SettlementContendedError';
  }
}

/** Re-plans after a lost race on stock (or a transaction conflict): full jitter, 50 ms … 1.6 s. */
const STOCK_RACES = { attempts: 8, baseMs: 25, capMs: 1600 };

function outcomeOf(result: CommitResult, onCommit: SettlementResult): SettlementResult | Again {
  if (result === 'committed') return onCommit;
  if (result === 'already-settled') return 'already-settled';
  return AGAIN;
}

async function reject(
  ports: Pick<SettlementPorts, 'commitRejection' | 'now' | 'settled'>,
  order: Order,
  reason: RejectionReason,
  payment?: PaymentRecord,
): Promise<SettlementResult | Again> {
  const result = await ports.commitRejection({
    order,
    reason,
    events: rejectionEvents(order.eventSeq, reason),
    ...(payment ? { payment } : {}),
    now: ports.now(),
  });
  const outcome = outcomeOf(result, 'rejected');
  if (outcome === 'rejected') ports.settled?.({ result: 'rejected', reason });
  return outcome;
}

/**
 * Settles one PENDING order (SPEC §4): catalog prices, the promotion's discount, stock from
 * warehouses that have it, payment of the total through the provider port, then one transaction;
 * a confirmed fromCart order then leaves the cart. Safe to run any number of times for one order:
 * the PENDING→final transition is conditional, the provider's answers are idempotent per order,
 * and removing the ordered cart lines is idempotent.
 *
 * With the relay's copy of the PENDING order (`message.order`) the first pass reads no order: the
 * transaction's PENDING condition answers 'already-settled' if the order was settled meanwhile.
 * A pass after a lost race, and a message without a copy, read the order consistently. A payment
 * hold is released only while the order is not CONFIRMED (the reference is the order's).
 */
export async function settleOrder(
  message: { orderId: string; paymentToken?: string | undefined; order?: PendingOrderCopy | undefined },
  ports: SettlementPorts,
): Promise<SettlementResult> {
  // The order to settle on the next pass, if already known: the message's copy, or the read made before a void.
  let known: Order | undefined = message.order ? pendingOrderFrom(message.orderId, message.order) : undefined;
  let copied = known !== undefined;
  // The payment hold this pass took and has not released.
  let held: string | undefined;
  const guarded: SettlementPorts = {
    ...ports,
    payments: {
      name: ports.payments.name,
      authorize: async (request) => {
        const authorization = await ports.payments.authorize(request);
        if (authorization.status === 'AUTHORIZED') held = authorization.reference;
        return authorization;
      },
      void: async (reference) => {
        held = undefined;
        known = await voidUnlessConfirmed(message.orderId, reference, ports);
      },
    },
  };
  const result = await retry(
    STOCK_RACES,
    async () => {
      const fromCopy = copied;
      const order = known ?? (await ports.getOrder(message.orderId, { consistent: true }));
      known = undefined;
      copied = false;
      held = undefined;
      if (!order) throw new OrderNotFoundError(message.orderId);
      if (order.status !== 'PENDING') {
        // This may be the retry of a delivery that confirmed the order but failed to empty the cart.
        if (order.status === 'CONFIRMED') await emptyOrderedCart(order, ports);
        return 'already-settled' as const;
      }

      // The token is recorded with the order; messages queued before that carried it themselves.
      const paymentToken = order.paymentToken ?? message.paymentToken;
      const outcome = paymentToken === undefined ? await reject(ports, order, 'SETTLEMENT_FAILED') : await settleOnce(order, paymentToken, guarded);
      if (outcome === 'confirmed') {
        ports.settled?.({ result: 'confirmed' });
        await emptyOrderedCart(order, ports);
      }
      if (outcome === 'already-settled' && (held !== undefined || (fromCopy && order.cartLines?.length))) {
        await settledMeanwhile(message.orderId, held, ports);
      }
      return outcome;
    },
    ports.wait,
  );
  if (result === AGAIN) throw new SettlementContendedError(message.orderId);
  return result;
}

/** The PENDING order as the relay copied it from the stream; what it has no copy of (redrive counters) settlement does not use. */
function pendingOrderFrom(orderId: string, copy: PendingOrderCopy): Order {
  return { orderId, status: 'PENDING', ...copy, ...(copy.cartLines ? { fromCart: true } : {}), updatedAt: copy.createdAt };
}

/**
 * The transaction found the order settled by another delivery, after this pass planned from the
 * copy or raced that delivery. If it was confirmed, its cart may still hold the ordered lines (that
 * delivery may have failed before emptying it); if it was rejected, the hold this pass took belongs
 * to no order and is released.
 */
async function settledMeanwhile(orderId: string, held: string | undefined, ports: SettlementPorts): Promise<void> {
  const current = held === undefined ? await ports.getOrder(orderId, { consistent: true }) : await voidUnlessConfirmed(orderId, held, ports);
  if (current?.status === 'CONFIRMED') await emptyOrderedCart(current, ports);
}

/**
 * A lost race releases the payment hold, unless the order is CONFIRMED: the reference is the
 * order's, so voiding it would release the payment a confirmed order holds. A pass that read no
 * order first (a message with a copy, or two deliveries of one order at once) cannot tell that from
 * the transaction's answer alone. Reads the order consistently, and returns it for the next pass.
 */
async function voidUnlessConfirmed(orderId: string, reference: string, ports: SettlementPorts): Promise<Order | undefined> {
  const current = await ports.getOrder(orderId, { consistent: true });
  if (current?.status !== 'CONFIRMED') await ports.payments.void(reference);
  return current;
}

/**
 * The last attempt at an order failed, and its message is about to be dead-lettered: reject the
 * order SETTLEMENT_FAILED so it does not stay PENDING forever (the same rejection as any other).
 * The message still reaches the DLQ for an operator; a redrive then finds the order final.
 */
export async function giveUpOnOrder(
  orderId: string,
  ports: Pick<SettlementPorts, 'getOrder' | 'commitRejection' | 'now' | 'settled'>,
): Promise<SettlementResult | 'contended'> {
  const order = await ports.getOrder(orderId, { consistent: true });
  if (order?.status !== 'PENDING') return 'already-settled';
  const outcome = await reject(ports, order, 'SETTLEMENT_FAILED');
  return outcome === AGAIN ? 'contended' : outcome;
}

/** A confirmed fromCart order takes its lines out of the cart; a rejected one leaves the cart alone. */
async function emptyOrderedCart(order: Order, ports: SettlementPorts): Promise<void> {
  if (order.cartLines?.length) await ports.removeOrderedLines(order.userId, order.cartLines);
}

/**
 * Where the order's units come from, bucket by bucket, spread by order id so that concurrent
 * settlements of one product start at different buckets. Planned from this environment's recent
 * stock reads when it has them all and they suffice (a stale plan loses its race at the
 * transaction's conditions, and the products are then read again); otherwise, and always before an
 * OUT_OF_STOCK, from a read of each product's stock.
 */
async function planStock(order: Order, maxWrites: number, ports: SettlementPorts) {
  const productIds = [...new Set(order.items.map((line) => line.productId))];
  const snapshots = ports.stockSnapshots;
  const recent = snapshots ? productIds.map((id) => [id, snapshots.get(id)] as const) : [];
  if (snapshots && recent.every(([, buckets]) => buckets !== undefined)) {
    const planned = allocateStock(order.items, new Map(recent as Array<readonly [string, readonly StockBucket[]]>), maxWrites, order.orderId);
    if (planned.ok) return planned;
  }
  const stock = new Map(await Promise.all(productIds.map(async (id) => [id, await ports.stock(id)] as const)));
  for (const [id, buckets] of stock) snapshots?.put(id, buckets);
  return allocateStock(order.items, stock, maxWrites, order.orderId);
}

async function settleOnce(order: Order, paymentToken: string, ports: SettlementPorts): Promise<SettlementResult | Again> {
  const now = ports.now();
  const code = order.promotionCode;
  const productIds = order.items.map((line) => line.productId);
  const [catalog, promotion] = await Promise.all([
    ports.products(productIds),
    code ? ports.promotion(code, { consistent: true }) : undefined,
  ]);
  const priced = priceLines(order.items, catalog);
  if (!priced.ok) return reject(ports, order, priced.reason);
  const discount = code ? discountFor(promotion, priced.value.subtotalCents, new Date(now)) : { ok: true as const, discountCents: 0 };
  if (!discount.ok) return reject(ports, order, discount.reason);
  const totals = orderTotals(priced.value.subtotalCents, discount.discountCents);

  const allocation = await planStock(order, stockWriteBudget(code !== undefined), ports);
  if (!allocation.ok) return reject(ports, order, allocation.reason);

  const amountCents = totals.totalCents;
  const authorization = await ports.payments.authorize({ orderId: order.orderId, amountCents, token: paymentToken });
  const payment = { provider: ports.payments.name, reference: authorization.reference, amountCents };
  if (authorization.status === 'DECLINED') {
    return reject(ports, order, 'PAYMENT_DECLINED', { ...payment, status: 'DECLINED' });
  }

  const promotionCode = code ? { promotionCode: code } : {};
  const result = await ports.commitConfirmation({
    order,
    lines: priced.value.lines,
    totals,
    ...promotionCode,
    allocations: allocation.value,
    payment: { ...payment, status: 'AUTHORIZED' },
    events: confirmationEvents(order.eventSeq, warehouseAllocations(allocation.value), { reference: payment.reference, amountCents }, { ...totals, ...promotionCode }),
    now,
  });
  if (result === 'committed') ports.stockSnapshots?.take(allocation.value);
  if (result === 'stock-changed') {
    // Another order took the stock between our read and our write: re-plan from fresh stock;
    // if it no longer suffices the next pass rejects OUT_OF_STOCK. Release the hold meanwhile.
    ports.stockSnapshots?.forget(productIds);
    await ports.payments.void(payment.reference);
    return AGAIN;
  }
  if (result === 'promotion-unavailable') {
    // Other orders took the last redemptions (or the code expired) between our read and our
    // write: a final answer, unlike a stock race.
    await ports.payments.void(payment.reference);
    return reject(ports, order, 'INVALID_PROMOTION', { ...payment, status: 'VOIDED' });
  }
  return outcomeOf(result, 'confirmed');
}
