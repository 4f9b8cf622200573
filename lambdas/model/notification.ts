import { Entity, type EntityItem } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

export const NOTIFICATION_STATUSES = ['sending', 'sent', 'skipped'] as const;

/**
 * "The customer was told about this outcome of this order": the idempotency record of the notifier,
 * one per order and outcome event type, in the order's partition. Claimed (`sending`) before the
 * email goes out, by the bus event that claimed it; `sent` or `skipped` (no email address) after.
 * Expires through TTL, after anything that could still redeliver or replay the event.
 */
export const Notification = new Entity(
  {
    model: { entity: 'notification', version: '1', service: SERVICE },
    attributes: {
      orderId: { type: 'string', required: true },
      outcome: { type: 'string', required: true },
      status: { type: NOTIFICATION_STATUSES, required: true },
      /** The EventBridge event id of the delivery holding the claim: its own retries may take it over. */
      eventId: { type: 'string', required: true },
      claimedAt: { type: 'string', required: true },
      completedAt: { type: 'string' },
      /** SES's message id once sent. */
      messageId: { type: 'string' },
      ttl: { type: 'number', required: true },
      schemaVersion,
    },
    indexes: {
      byOrder: {
        pk: { field: 'pk', composite: ['orderId'], casing: 'none' },
        sk: { field: 'sk', composite: ['outcome'], casing: 'none' },
      },
    },
  },
  entityConfig,
);

export type NotificationItem = EntityItem<typeof Notification>;
