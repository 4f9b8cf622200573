import type { removeOrderedCartLines } from '../adapters/cart-store.ts';
import type { getStock, getProducts } from '../adapters/catalog-store.ts';
import type { getOrder } from '../adapters/order-store.ts';
import type { PaymentProvider } from '../adapters/payment-provider.ts';
import type { getPromotion } from '../adapters/promotion-store.ts';
import type { commitConfirmation, commitRejection, CommitResult } from '../adapters/settlement-store.ts';
import {
  allocateStock,
  confirmationEvents,
  orderTotals,
  priceLines,
  rejectionEvents,
  type RejectionReason,
  stockWriteBudget,
} from '../domain/order-rules.ts';
import { discountFor } from '../domain/promotions.ts';
import type { OrderItem } from '../model/order.ts';

/** What settlement needs from the outside world; the worker passes the DynamoDB adapters. */
export interface SettlementPorts {
  getOrder: typeof getOrder;
  getProducts: typeof getProducts;
  getStock: typeof getStock;
  getPromotion: typeof getPromotion;
  commitConfirmation: typeof commitConfirmation;
  commitRejection: typeof commitRejection;
  removeOrderedCartLines: typeof removeOrderedCartLines;
  payments: PaymentProvider;
  /** Told once per order this run settled: the business metrics (orders confirmed, rejected by reason). */
  settled?: (outcome: { result: 'confirmed' } | { result: 'rejected'; reason: RejectionReason }) => void;
  now: () => string;
  /** Waits before re-planning after a lost race on stock (jittered backoff). */
  pause: (attempt: number) => Promise<void>;
}

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

const MAX_ATTEMPTS = 8;

function outcomeOf(result: CommitResult, onCommit: SettlementResult): SettlementResult | 'retry' {
  if (result === 'committed') return onCommit;
  if (result === 'already-settled') return 'already-settled';
  return 'retry';
}

async function reject(
  ports: SettlementPorts,
  order: OrderItem,
  reason: RejectionReason,
  payment?: Parameters<typeof commitRejection>[0]['payment'],
): Promise<SettlementResult | 'retry'> {
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
 */
export async function settleOrder(
  message: { orderId: string; paymentToken?: string | undefined },
  ports: SettlementPorts,
): Promise<SettlementResult> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const order = await ports.getOrder(message.orderId, { consistent: true });
    if (!order) throw new OrderNotFoundError(message.orderId);
    if (order.status !== 'PENDING') {
      // This may be the retry of a delivery that confirmed the order but failed to empty the cart.
      if (order.status === 'CONFIRMED') await emptyOrderedCart(order, ports);
      return 'already-settled';
    }

    // The token is recorded with the order; messages queued before that carried it themselves.
    const paymentToken = order.paymentToken ?? message.paymentToken;
    const outcome = paymentToken === undefined ? await reject(ports, order, 'SETTLEMENT_FAILED') : await settleOnce(order, paymentToken, ports);
    if (outcome === 'confirmed') {
      ports.settled?.({ result: 'confirmed' });
      await emptyOrderedCart(order, ports);
    }
    if (outcome !== 'retry') return outcome;
    await ports.pause(attempt);
  }
  throw new SettlementContendedError(message.orderId);
}

/** A confirmed fromCart order takes its lines out of the cart; a rejected one leaves the cart alone. */
async function emptyOrderedCart(order: OrderItem, ports: SettlementPorts): Promise<void> {
  if (order.cartLines?.length) await ports.removeOrderedCartLines(order.userId, order.cartLines);
}

async function settleOnce(order: OrderItem, paymentToken: string, ports: SettlementPorts): Promise<SettlementResult | 'retry'> {
  const now = ports.now();
  const code = order.promotionCode;
  const productIds = order.items.map((line) => line.productId);
  const [catalog, promotion] = await Promise.all([
    ports.getProducts(productIds),
    code ? ports.getPromotion(code, { consistent: true }) : undefined,
  ]);
  const priced = priceLines(order.items, catalog);
  if (!priced.ok) return reject(ports, order, priced.reason);
  const discount = code ? discountFor(promotion, priced.value.subtotalCents, new Date(now)) : { ok: true as const, discountCents: 0 };
  if (!discount.ok) return reject(ports, order, discount.reason);
  const totals = orderTotals(priced.value.subtotalCents, discount.discountCents);

  const stock = new Map(await Promise.all(productIds.map(async (id) => [id, await ports.getStock(id)] as const)));
  const allocation = allocateStock(order.items, stock, stockWriteBudget(code !== undefined));
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
    events: confirmationEvents(order.eventSeq, allocation.value, { reference: payment.reference, amountCents }, { ...totals, ...promotionCode }),
    now,
  });
  if (result === 'stock-changed') {
    // Another order took the stock between our read and our write: re-plan from fresh stock;
    // if it no longer suffices the next pass rejects OUT_OF_STOCK. Release the hold meanwhile.
    await ports.payments.void(payment.reference);
    return 'retry';
  }
  if (result === 'promotion-unavailable') {
    // Other orders took the last redemptions (or the code expired) between our read and our
    // write: a final answer, unlike a stock race.
    await ports.payments.void(payment.reference);
    return reject(ports, order, 'INVALID_PROMOTION', { ...payment, status: 'VOIDED' });
  }
  return outcomeOf(result, 'confirmed');
}
