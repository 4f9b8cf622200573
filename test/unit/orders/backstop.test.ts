import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Order } from '../../../lambdas/domain/order-rules.ts';
import { metrics } from '../../../lambdas/observability.ts';
import { lambdaContext } from '../lambda-events.ts';

/** The backstop's handler with its adapters faked: what it publishes on every run. Its rules are redrive-pending.test.ts's. */
const adapters = vi.hoisted(() => ({
  pendingOrdersCreatedBefore: vi.fn<(instant: number) => Promise<Order[]>>(),
  oldestPendingOrder: vi.fn<() => Promise<Order | undefined>>(),
  markRedriven: vi.fn<(orderId: string, now: string) => Promise<boolean>>(),
}));
vi.mock('../../../lambdas/adapters/pending-orders.ts', () => adapters);
vi.mock('../../../lambdas/adapters/order-queue.ts', () => ({ enqueueSettlements: async () => [] }));
vi.mock('../../../lambdas/adapters/settlement-store.ts', () => ({ commitRejection: async () => 'committed' }));

const { handler } = await import('../../../lambdas/orders/backstop.ts');

/** A PENDING order placed `ageMs` ago. */
const pendingOrder = (ageMs: number): Order => {
  const createdAt = new Date(Date.now() - ageMs).toISOString();
  return { orderId: ulid(Date.now() - ageMs), userId: 'u', status: 'PENDING', items: [{ productId: 'p', quantity: 1 }], eventSeq: 1, createdAt, updatedAt: createdAt };
};

describe('the backstop handler', () => {
  let published: Array<[string, number]>;
  beforeEach(() => {
    vi.clearAllMocks();
    adapters.pendingOrdersCreatedBefore.mockResolvedValue([]);
    adapters.oldestPendingOrder.mockResolvedValue(undefined);
    published = [];
    vi.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
      published.push([name, value]);
      return metrics;
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it('publishes the oldest PENDING order age on every run, 0 when nothing is pending (the alarm counts silence as broken)', async () => {
    await handler({}, lambdaContext);
    expect(published).toContainEqual(['OldestPendingOrderAgeSeconds', 0]);
  });

  it('publishes the age of a young PENDING order it leaves alone', async () => {
    // No order is stuck yet; the oldest PENDING one is a minute old.
    adapters.oldestPendingOrder.mockResolvedValue(pendingOrder(60_000));
    await handler({}, lambdaContext);
    const age = published.find(([name]) => name === 'OldestPendingOrderAgeSeconds')?.[1];
    expect(age).toBeGreaterThanOrEqual(59);
    expect(age).toBeLessThanOrEqual(62);
    expect(published).toContainEqual(['OrdersRedriven', 0]);
    expect(adapters.markRedriven).not.toHaveBeenCalled();
  });
});
