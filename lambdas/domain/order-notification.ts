import type { OrderOutcomeType } from './order-events.ts';
import type { RejectionReason } from './order-rules.ts';

/**
 * The email telling a customer an order's outcome (SPEC §6 "Notifications"), pure: what was
 * ordered and the totals for a confirmed order, why for a rejected one.
 */
export interface Email {
  to: string;
  subject: string;
  text: string;
  /** A tag for SES's event destinations: `order-confirmed` or `order-rejected`. */
  kind: string;
}

export interface NotifiedOrder {
  orderId: string;
  items: ReadonlyArray<{ productId: string; quantity: number; unitPriceCents?: number | undefined }>;
  subtotalCents?: number | undefined;
  discountCents?: number | undefined;
  totalCents?: number | undefined;
  promotionCode?: string | undefined;
}

const REASONS: Readonly<Record<RejectionReason, string>> = {
  OUT_OF_STOCK: 'some of the items are out of stock',
  UNKNOWN_PRODUCT: 'an item is no longer in our catalog',
  INVALID_PROMOTION: 'the promotion code could not be redeemed',
  PAYMENT_DECLINED: 'the payment was declined',
  SETTLEMENT_FAILED: 'we could not process it in time',
};

export function money(cents: number): string {
  return `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
}

export function outcomeEmail(input: { to: string; name?: string | undefined; outcome: OrderOutcomeType; order: NotifiedOrder; reason?: string | undefined }): Email {
  const { order } = input;
  const greeting = `Hello${input.name ? ` ${input.name}` : ''},`;
  const lines = order.items.map((line) =>
    line.unitPriceCents === undefined ? `  ${line.quantity} × ${line.productId}` : `  ${line.quantity} × ${line.productId} at ${money(line.unitPriceCents)} = ${money(line.quantity * line.unitPriceCents)}`,
  );
  if (input.outcome === 'OrderConfirmed') {
    const totals = [
      `Subtotal: ${money(order.subtotalCents ?? 0)}`,
      ...((order.discountCents ?? 0) > 0 ? [`Discount${order.promotionCode ? ` (${order.promotionCode})` : ''}: -${money(order.discountCents!)}`] : []),
      `Total: ${money(order.totalCents ?? 0)}`,
    ];
    return {
      to: input.to,
      kind: 'order-confirmed',
      subject: `Your order ${order.orderId} is confirmed`,
      text: [greeting, '', `your order ${order.orderId} is confirmed:`, '', ...lines, '', ...totals, ''].join('\n'),
    };
  }
  const why = REASONS[input.reason as RejectionReason] ?? 'it could not be completed';
  return {
    to: input.to,
    kind: 'order-rejected',
    subject: `Your order ${order.orderId} could not be completed`,
    text: [greeting, '', `we could not complete your order ${order.orderId}: ${why}. You have not been charged.`, '', 'You ordered:', ...lines, ''].join('\n'),
  };
}
