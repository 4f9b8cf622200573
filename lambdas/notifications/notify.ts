import type { OrderEventDetail, OrderOutcomeType } from '../domain/order-events.ts';
import { type Email, type NotifiedOrder, outcomeEmail } from '../domain/order-notification.ts';

/** An outcome event as the bus delivers it: its id stays the same across the bus's and Lambda's retries. */
export interface OutcomeEvent {
  id: string;
  type: OrderOutcomeType;
  detail: OrderEventDetail;
}

export type NotificationKey = { orderId: string; outcome: string };

/** What the notifier needs from the outside world; the handler passes the DynamoDB and SES adapters. */
export interface NotificationPorts {
  /** 'claimed': ours to send; 'done': already sent or skipped; 'held': another delivery is sending it. */
  claim(key: NotificationKey, eventId: string, now: Date, leaseMs: number): Promise<'claimed' | 'done' | 'held'>;
  complete(key: NotificationKey, eventId: string, result: { status: 'sent'; messageId: string } | { status: 'skipped' }, now: Date): Promise<void>;
  release(key: NotificationKey, eventId: string): Promise<void>;
  getOrder(orderId: string): Promise<(NotifiedOrder & { userId: string }) | undefined>;
  getCustomer(userId: string): Promise<{ email?: string | undefined; name?: string | undefined } | undefined>;
  send(email: Email): Promise<string>;
  now(): Date;
}

export type NotificationResult = 'sent' | 'duplicate' | 'no-email';

/** Longer than one invocation can take: a claim older than this was left by a delivery that died. */
export const CLAIM_LEASE_MS = 5 * 60_000;

export class OrderNotFoundError extends Error {
  constructor(orderId: string) {
    super(`Order ${orderId} of an outcome event does not exist`);
    this.name = 'OrderNotFoundError';
  }
}

/**
 * Tells the customer an order's outcome, exactly once per order and outcome however often the event
 * arrives (the relay publishes at least once, the bus delivers at least once, Lambda retries): the
 * notification is claimed before the send and completed after it. A failed send gives the claim
 * up and throws, so Lambda retries and finally dead-letters the event; a duplicate arriving while
 * the first delivery sends leaves it to that one, whose failures are retried the same way. The
 * only duplicate left is a crash between SES taking the email and the completion (at least once).
 * A customer without an email address gets none: 'no-email', recorded so it is not retried.
 */
export async function notifyCustomer(event: OutcomeEvent, ports: NotificationPorts): Promise<NotificationResult> {
  const key = { orderId: event.detail.orderId, outcome: event.type };
  const claim = await ports.claim(key, event.id, ports.now(), CLAIM_LEASE_MS);
  if (claim !== 'claimed') return 'duplicate';
  try {
    const order = await ports.getOrder(event.detail.orderId);
    if (!order) throw new OrderNotFoundError(event.detail.orderId);
    const customer = await ports.getCustomer(order.userId);
    if (!customer?.email) {
      await ports.complete(key, event.id, { status: 'skipped' }, ports.now());
      return 'no-email';
    }
    const reason = typeof event.detail.data['reason'] === 'string' ? event.detail.data['reason'] : undefined;
    const email = outcomeEmail({ to: customer.email, name: customer.name, outcome: event.type, order, reason });
    const messageId = await ports.send(email);
    await ports.complete(key, event.id, { status: 'sent', messageId }, ports.now());
    return 'sent';
  } catch (error) {
    await ports.release(key, event.id);
    throw error;
  }
}
