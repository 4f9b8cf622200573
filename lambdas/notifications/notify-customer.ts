import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { sendEmail } from '../adapters/mailer.ts';
import { claimNotification, completeNotification, releaseNotification } from '../adapters/notification-store.ts';
import { getOrder } from '../adapters/order-reads.ts';
import { getUser } from '../adapters/user-store.ts';
import type { OrderEventDetail, OrderOutcomeType } from '../domain/order-events.ts';
import { ORDER_OUTCOME_TYPES } from '../domain/order-events.ts';
import { displayName } from '../domain/user-profile.ts';
import { logger, metrics } from '../observability.ts';
import { notifyCustomer, type NotificationPorts } from './notify.ts';

const ports: NotificationPorts = {
  claim: claimNotification,
  complete: completeNotification,
  release: releaseNotification,
  // Consistent: the outcome event is published right after the settling transaction commits.
  getOrder: (orderId) => getOrder(orderId, { consistent: true }),
  getCustomer: async (userId) => {
    const user = await getUser(userId);
    return user && { email: user.email, name: displayName(user.profile) };
  },
  send: sendEmail,
  now: () => new Date(),
};

/** What each result counts: NotificationsSkippedNoEmail is a customer, not a failure. */
const METRIC = { sent: 'NotificationsSent', duplicate: 'NotificationDuplicates', 'no-email': 'NotificationsSkippedNoEmail' } as const;

/**
 * The rule on OrderConfirmed and OrderRejected invokes this asynchronously. A thrown error is
 * retried by Lambda, then the event goes to the on-failure queue (NotificationFailures).
 */
export const handler = async (event: EventBridgeEvent<string, OrderEventDetail>, context: Context): Promise<{ result: string }> => {
  logger.addContext(context);
  try {
    if (!(ORDER_OUTCOME_TYPES as readonly string[]).includes(event['detail-type'])) throw new Error(`Not an order outcome: ${event['detail-type']}`);
    const result = await notifyCustomer({ id: event.id, type: event['detail-type'] as OrderOutcomeType, detail: event.detail }, ports);
    metrics.addMetric(METRIC[result], MetricUnit.Count, 1);
    logger.info('order outcome notified', { orderId: event.detail.orderId, outcome: event['detail-type'], result });
    return { result };
  } catch (error) {
    logger.warn('could not notify the customer; Lambda retries, then dead-letters the event', { orderId: event.detail?.orderId, error: error as Error });
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
};
