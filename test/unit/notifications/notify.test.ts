import { describe, expect, it } from 'vitest';
import type { Email } from '../../../lambdas/domain/order-notification.ts';
import { CLAIM_LEASE_MS, notifyCustomer, type NotificationPorts, type OutcomeEvent } from '../../../lambdas/notifications/notify.ts';

interface Record {
  status: 'sending' | 'sent' | 'skipped';
  eventId: string;
  claimedAt: number;
}

/** An in-memory notification store with the adapter's conditions (lambdas/adapters/notification-store.ts). */
function fakeWorld(options: { email?: string; failSends?: number } = {}) {
  const records = new Map<string, Record>();
  const sent: Email[] = [];
  let clock = Date.parse('2026-03-01T10:00:00Z');
  let failSends = options.failSends ?? 0;
  const keyOf = (key: { orderId: string; outcome: string }) => `${key.orderId}/${key.outcome}`;
  const ports: NotificationPorts = {
    claim: async (key, eventId, now, leaseMs) => {
      const current = records.get(keyOf(key));
      if (!current || (current.status === 'sending' && (current.eventId === eventId || current.claimedAt < now.getTime() - leaseMs))) {
        records.set(keyOf(key), { status: 'sending', eventId, claimedAt: now.getTime() });
        return 'claimed';
      }
      return current.status === 'sending' ? 'held' : 'done';
    },
    complete: async (key, eventId, result) => {
      const current = records.get(keyOf(key));
      if (current?.eventId !== eventId || current.status !== 'sending') throw new Error('ConditionalCheckFailed');
      records.set(keyOf(key), { ...current, status: result.status });
    },
    release: async (key, eventId) => {
      if (records.get(keyOf(key))?.eventId === eventId) records.delete(keyOf(key));
    },
    getOrder: async (orderId) => ({ orderId, userId: 'u-1', items: [{ productId: 'p1', quantity: 2, unitPriceCents: 1250 }], subtotalCents: 2500, discountCents: 250, totalCents: 2250, promotionCode: 'SAVE10' }),
    getCustomer: async () => ({ ...(options.email === undefined ? {} : { email: options.email }), name: 'Ada' }),
    send: async (email) => {
      if (failSends > 0) {
        failSends -= 1;
        throw new Error('SES unavailable');
      }
      sent.push(email);
      return `m-${sent.length}`;
    },
    now: () => new Date(clock),
  };
  return { ports, sent, records, advance: (ms: number) => (clock += ms) };
}

const confirmed = (id: string): OutcomeEvent => ({ id, type: 'OrderConfirmed', detail: { orderId: 'o1', seq: 4, at: '2026-03-01T10:00:00.000Z', data: {}, schemaVersion: 1 } });
const rejected = (id: string): OutcomeEvent => ({ id, type: 'OrderRejected', detail: { orderId: 'o1', seq: 2, at: '2026-03-01T10:00:00.000Z', data: { reason: 'PAYMENT_DECLINED' }, schemaVersion: 1 } });

describe('the order notifier', () => {
  it('emails what was ordered and the totals of a confirmed order', async () => {
    const { ports, sent } = fakeWorld({ email: 'ada@example.com' });
    expect(await notifyCustomer(confirmed('e1'), ports)).toBe('sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'ada@example.com', kind: 'order-confirmed', subject: 'Your order o1 is confirmed' });
    expect(sent[0]!.text).toContain('2 × p1 at 12.50 = 25.00');
    expect(sent[0]!.text).toContain('Discount (SAVE10): -2.50');
    expect(sent[0]!.text).toContain('Total: 22.50');
  });

  it('emails why a rejected order was rejected', async () => {
    const { ports, sent } = fakeWorld({ email: 'ada@example.com' });
    expect(await notifyCustomer(rejected('e1'), ports)).toBe('sent');
    expect(sent[0]).toMatchObject({ kind: 'order-rejected', subject: 'Your order o1 could not be completed' });
    expect(sent[0]!.text).toContain('the payment was declined');
  });

  it('sends one email per outcome however often the event comes: the same delivery again, or another publication of it', async () => {
    const { ports, sent } = fakeWorld({ email: 'ada@example.com' });
    expect(await notifyCustomer(confirmed('e1'), ports)).toBe('sent');
    expect(await notifyCustomer(confirmed('e1'), ports)).toBe('duplicate');
    expect(await notifyCustomer(confirmed('e2'), ports)).toBe('duplicate');
    expect(sent).toHaveLength(1);
  });

  it('leaves a notification another delivery is sending to that one, unless its claim went stale', async () => {
    const world = fakeWorld({ email: 'ada@example.com' });
    await world.ports.claim({ orderId: 'o1', outcome: 'OrderConfirmed' }, 'e-crashed', world.ports.now(), CLAIM_LEASE_MS);
    expect(await notifyCustomer(confirmed('e2'), world.ports)).toBe('duplicate');
    // The crashed delivery's own retry takes its claim over at once.
    expect(await notifyCustomer(confirmed('e-crashed'), world.ports)).toBe('sent');
    expect(world.sent).toHaveLength(1);

    const other = fakeWorld({ email: 'ada@example.com' });
    await other.ports.claim({ orderId: 'o1', outcome: 'OrderConfirmed' }, 'e-dead', other.ports.now(), CLAIM_LEASE_MS);
    other.advance(CLAIM_LEASE_MS + 1);
    expect(await notifyCustomer(confirmed('e3'), other.ports)).toBe('sent');
  });

  it('gives the claim up when the send fails and throws, so a retry sends exactly one email', async () => {
    const { ports, sent, records } = fakeWorld({ email: 'ada@example.com', failSends: 1 });
    await expect(notifyCustomer(confirmed('e1'), ports)).rejects.toThrow('SES unavailable');
    expect(records.size).toBe(0);
    expect(await notifyCustomer(confirmed('e2'), ports)).toBe('sent');
    expect(await notifyCustomer(confirmed('e1'), ports)).toBe('duplicate');
    expect(sent).toHaveLength(1);
  });

  it('tells confirmation and rejection apart: each outcome is its own notification', async () => {
    const { ports, sent } = fakeWorld({ email: 'ada@example.com' });
    await notifyCustomer(confirmed('e1'), ports);
    await notifyCustomer(rejected('e2'), ports);
    expect(sent.map((email) => email.kind)).toEqual(['order-confirmed', 'order-rejected']);
  });

  it('sends nothing to a customer without an email address, and records it so a redelivery does not ask again', async () => {
    const { ports, sent, records } = fakeWorld();
    expect(await notifyCustomer(confirmed('e1'), ports)).toBe('no-email');
    expect(sent).toEqual([]);
    expect([...records.values()][0]!.status).toBe('skipped');
    expect(await notifyCustomer(confirmed('e1'), ports)).toBe('duplicate');
  });
});
