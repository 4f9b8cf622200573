import { config } from '../config.ts';
import { Notification } from '../model/notification.ts';
import { isConditionFailure } from './aws-errors.ts';

export interface NotificationKey {
  orderId: string;
  outcome: string;
}

export type ClaimResult = 'claimed' | 'done' | 'held';

/**
 * Claims the notification of an order's outcome for one bus event, with one conditional write: it
 * succeeds when nobody claimed it, when the claim is this same event's (a retry of a delivery that
 * failed or crashed), or when another delivery's claim went stale without an answer. Otherwise the
 * notification is done (sent or skipped), or held by a delivery still within its lease.
 */
export async function claimNotification(key: NotificationKey, eventId: string, now: Date, leaseMs: number): Promise<ClaimResult> {
  const claimedAt = now.toISOString();
  const staleBefore = new Date(now.getTime() - leaseMs).toISOString();
  const ttl = Math.floor(now.getTime() / 1000) + config.notificationTtlSeconds;
  try {
    await Notification.put({ ...key, status: 'sending', eventId, claimedAt, ttl })
      .where(
        ({ orderId, status, eventId: holder, claimedAt: since }, { notExists, eq, lt }) =>
          `${notExists(orderId)} OR (${eq(status, 'sending')} AND (${eq(holder, eventId)} OR ${lt(since, staleBefore)}))`,
      )
      .go({ response: 'none' });
    return 'claimed';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const { data } = await Notification.get(key).go({ consistent: true });
    return data?.status === 'sending' ? 'held' : 'done';
  }
}

/** Records the outcome of a claimed notification; only the claim's holder completes it. */
export async function completeNotification(
  key: NotificationKey,
  eventId: string,
  result: { status: 'sent'; messageId: string } | { status: 'skipped' },
  now: Date,
): Promise<void> {
  await Notification.patch(key)
    .set({ ...result, completedAt: now.toISOString() })
    .where(({ eventId: holder, status }, { eq }) => `${eq(holder, eventId)} AND ${eq(status, 'sending')}`)
    .go({ response: 'none' });
}

/** Gives a claim up after a failed send, so the delivery's retry — or another one — sends. */
export async function releaseNotification(key: NotificationKey, eventId: string): Promise<void> {
  try {
    await Notification.delete(key)
      .where(({ eventId: holder, status }, { eq }) => `${eq(holder, eventId)} AND ${eq(status, 'sending')}`)
      .go({ response: 'none' });
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
