import { describe, expect, it } from 'vitest';
import type { CommitResult } from '../../../lambdas/ports/orders.ts';
import { ulid } from 'ulid';
import type { Order } from '../../../lambdas/domain/order-rules.ts';
import { redrivePendingOrders } from '../../../lambdas/orders/redrive-pending.ts';
import type { BackstopPorts } from '../../../lambdas/ports/orders.ts';

const MINUTE = 60_000;
const policy = { timeoutSeconds: 300, maxRedrives: 3 };

/** An in-memory table of orders with the guards of the real writes: every change needs PENDING. */
function fakeOrders(now: number, ages: Record<string, { ageMs: number; redriveCount?: number; redrivenAgoMs?: number }>) {
  const orders = new Map<string, Order>();
  const names = new Map<string, string>();
  for (const [name, spec] of Object.entries(ages)) {
    const orderId = ulid(now - spec.ageMs);
    const createdAt = new Date(now - spec.ageMs).toISOString();
    names.set(orderId, name);
    orders.set(orderId, {
      orderId,
      userId: 'u',
      status: 'PENDING',
      items: [{ productId: 'p', quantity: 1 }],
      eventSeq: 1,
      createdAt,
      updatedAt: createdAt,
      subtotalCents: 0,
      discountCents: 0,
      totalCents: 0,
      ...(spec.redriveCount === undefined ? {} : { redriveCount: spec.redriveCount }),
      ...(spec.redrivenAgoMs === undefined ? {} : { redrivenAt: new Date(now - spec.redrivenAgoMs).toISOString() }),
    });
  }
  const queued: string[] = [];
  const rejected: string[] = [];
  let queueDown = false;
  const byAge = () => [...orders.values()].filter((o) => o.status === 'PENDING').sort((a, b) => (a.orderId < b.orderId ? -1 : 1));
  const ports: BackstopPorts = {
    pendingOrdersCreatedBefore: async (instant) => byAge().filter((o) => Date.parse(o.createdAt) < instant).map((o) => ({ ...o })),
    oldestPendingOrder: async () => byAge()[0],
    markRedriven: async (orderId, at) => {
      const order = orders.get(orderId)!;
      if (order.status !== 'PENDING') return false;
      orders.set(orderId, { ...order, redriveCount: (order.redriveCount ?? 0) + 1, redrivenAt: at });
      return true;
    },
    enqueue: async (ids) => {
      if (queueDown) return [...ids];
      queued.push(...ids.map((id) => names.get(id)!));
      return [];
    },
    reject: async ({ order, reason }): Promise<CommitResult> => {
      const current = orders.get(order.orderId)!;
      if (current.status !== 'PENDING') return 'already-settled';
      orders.set(order.orderId, { ...current, status: 'REJECTED', rejectionReason: reason });
      rejected.push(names.get(order.orderId)!);
      return 'committed';
    },
    now: () => now,
  };
  return {
    ports,
    queued,
    rejected,
    statusOf: (name: string) => [...orders.values()].find((o) => names.get(o.orderId) === name)!.status,
    settle: (name: string) => {
      const order = [...orders.values()].find((o) => names.get(o.orderId) === name)!;
      orders.set(order.orderId, { ...order, status: 'CONFIRMED' });
    },
    takeQueueDown: () => (queueDown = true),
  };
}

describe('the pending-order backstop', () => {
  const now = Date.parse('2026-12-01T12:00:00.000Z');

  it('re-drives orders PENDING longer than the timeout, leaves younger ones alone, and reports the oldest age', async () => {
    const store = fakeOrders(now, { stuck: { ageMs: 10 * MINUTE }, young: { ageMs: 1 * MINUTE }, older: { ageMs: 20 * MINUTE } });
    const report = await redrivePendingOrders(store.ports, policy);
    expect(store.queued).toEqual(['older', 'stuck']);
    expect(report).toMatchObject({ redriven: 2, rejected: 0, waiting: 0, failed: 0, oldestPendingAgeSeconds: 1200 });
  });

  it('re-drives an order at most once per timeout, and rejects it SETTLEMENT_FAILED after the last re-drive', async () => {
    const store = fakeOrders(now, {
      recently: { ageMs: 30 * MINUTE, redriveCount: 1, redrivenAgoMs: 1 * MINUTE },
      again: { ageMs: 30 * MINUTE, redriveCount: 2, redrivenAgoMs: 6 * MINUTE },
      exhausted: { ageMs: 30 * MINUTE, redriveCount: 3, redrivenAgoMs: 6 * MINUTE },
    });
    const report = await redrivePendingOrders(store.ports, policy);
    expect(store.queued).toEqual(['again']);
    expect(store.rejected).toEqual(['exhausted']);
    expect(store.statusOf('exhausted')).toBe('REJECTED');
    expect(report).toMatchObject({ redriven: 1, rejected: 1, waiting: 1 });
  });

  it('never touches an order that settled meanwhile', async () => {
    const store = fakeOrders(now, { settled: { ageMs: 10 * MINUTE, redriveCount: 3 } });
    const stale = await store.ports.pendingOrdersCreatedBefore(now);
    store.settle('settled');
    const ports = { ...store.ports, pendingOrdersCreatedBefore: async () => stale };
    const report = await redrivePendingOrders(ports, policy);
    expect(store.statusOf('settled')).toBe('CONFIRMED');
    expect(report.rejected).toBe(0);
  });

  it('counts what the queue did not take, and still rejects an order once it was re-driven enough, so a queue outage cannot keep it PENDING', async () => {
    const store = fakeOrders(now, { stuck: { ageMs: 10 * MINUTE } });
    store.takeQueueDown();
    let later = now;
    const ports = { ...store.ports, now: () => later };
    const first = await redrivePendingOrders(ports, policy);
    expect(first).toMatchObject({ redriven: 0, failed: 1 });
    for (let run = 0; run < 3; run++) {
      later += 6 * MINUTE;
      await redrivePendingOrders(ports, policy);
    }
    expect(store.statusOf('stuck')).toBe('REJECTED');
  });

  it('reports 0 when nothing is pending', async () => {
    const store = fakeOrders(now, {});
    expect((await redrivePendingOrders(store.ports, policy)).oldestPendingAgeSeconds).toBe(0);
  });
});
