import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnavailableError } from '../../../lambdas/domain/errors.ts';
import type { OrderStatus } from '../../../lambdas/domain/order-rules.ts';
import type { OrderChange } from '../../../lambdas/domain/projections.ts';
import { projectOrder } from '../../../lambdas/projections/project-order.ts';
import { fakeReadModels } from './fake-read-models.ts';

const change = (status: OrderStatus, orderId = '01A'): OrderChange => ({
  orderId, userId: 'u1', status, totalCents: 900, createdAt: '2026-11-24T00:00:00.000Z', items: [{ productId: 'p', quantity: 1, unitPriceCents: 900 }],
});
const summary = (status: string, orderId = '01A') => ({ orderId, status, totalCents: 900, createdAt: '2026-11-24T00:00:00.000Z' });

afterEach(() => vi.useRealTimers());

describe('projectOrder', () => {
  it('records a confirmed order in one confirmation: history, count, recent orders and sales together', async () => {
    const models = fakeReadModels();
    await projectOrder(change('CONFIRMED'), models.ports);
    expect(models.log.confirmations).toEqual([
      { orderId: '01A', sales: [{ productId: 'p', units: 1, revenueCents: 900 }], recentOrders: { orders: [summary('CONFIRMED')], version: undefined } },
    ]);
    expect(models.history.get('01A')).toEqual(summary('CONFIRMED'));
    expect(models.stats).toMatchObject({ orderCount: 1, lifetimeValueCents: 900, recent: [summary('CONFIRMED')] });
    expect(models.log.recentSaves).toEqual([]); // no write of its own: the recent orders went with the confirmation
    expect(models.sold.get('p')).toEqual({ units: 1, revenueCents: 900 });
    expect(models.board().products).toEqual([{ productId: 'p', unitsSold: 1 }]);
  });

  it('after its PENDING change, the order is in the history and the recent orders, and CONFIRMED replaces it there', async () => {
    const models = fakeReadModels();
    await projectOrder(change('PENDING'), models.ports);
    expect(models.history.get('01A')).toEqual(summary('PENDING'));
    expect(models.stats).toMatchObject({ orderCount: 0, recent: [summary('PENDING')] });
    await projectOrder(change('CONFIRMED'), models.ports);
    expect(models.log.confirmations[0]!.recentOrders).toEqual({ orders: [summary('CONFIRMED')], version: 1 });
    expect(models.stats).toMatchObject({ orderCount: 1, lifetimeValueCents: 900, recent: [summary('CONFIRMED')], version: 2 });
  });

  it('changes nothing when the same change is delivered again', async () => {
    const models = fakeReadModels();
    await projectOrder(change('PENDING'), models.ports);
    await projectOrder(change('CONFIRMED'), models.ports);
    const saves = { recent: models.log.recentSaves.length, board: models.log.boardSaves.length };
    await projectOrder(change('CONFIRMED'), models.ports);
    expect(models.stats).toMatchObject({ orderCount: 1, lifetimeValueCents: 900 });
    expect(models.log.recentSaves).toHaveLength(saves.recent);
    expect(models.log.boardSaves).toHaveLength(saves.board);
    expect(models.sold.get('p')).toEqual({ units: 1, revenueCents: 900 });
  });

  it('never lets a replayed PENDING overwrite CONFIRMED, in the history or the recent orders', async () => {
    const models = fakeReadModels();
    await projectOrder(change('CONFIRMED'), models.ports);
    await projectOrder(change('PENDING'), models.ports);
    expect(models.history.get('01A')!.status).toBe('CONFIRMED');
    expect(models.stats.recent).toEqual([summary('CONFIRMED')]);
  });

  it('re-reads and saves the recent orders again when another writer bumped the version', async () => {
    const models = fakeReadModels();
    models.races.recentOrders = 1;
    await projectOrder(change('PENDING'), models.ports);
    expect(models.log.recentSaves.map(({ version }) => version)).toEqual([undefined, 1]);
    expect(models.stats.recent).toEqual([summary('PENDING')]);
  });

  it('a confirmation that lost its recent orders or its items to a concurrent writer is read again and retried, and counts once', async () => {
    const models = fakeReadModels();
    models.races.recentOrders = 1;
    models.races.sales = 1;
    await projectOrder(change('CONFIRMED'), models.ports);
    expect(models.log.confirmations.map(({ recentOrders }) => recentOrders?.version)).toEqual([undefined, 1, 1]);
    expect(models.stats).toMatchObject({ orderCount: 1, lifetimeValueCents: 900, version: 2 });
    expect(models.sold.get('p')!.units).toBe(1);
  });

  it('gives up as unavailable on a confirmation that keeps losing, having written nothing', async () => {
    vi.useFakeTimers();
    const models = fakeReadModels();
    models.races.sales = 99;
    const failure = projectOrder(change('CONFIRMED'), models.ports).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    expect(await failure).toBeInstanceOf(UnavailableError);
    expect(models.log.confirmations).toHaveLength(10);
    expect(models.stats).toMatchObject({ orderCount: 0, lifetimeValueCents: 0 });
    expect(models.history.has('01A')).toBe(false);
    expect(models.log.boardSaves).toHaveLength(0);
  });

  it('keeps five recent orders, and leaves one older than all five out without a save', async () => {
    const models = fakeReadModels();
    for (const id of ['01B', '01C', '01D', '01E', '01F']) await projectOrder(change('PENDING', id), models.ports);
    const saves = models.log.recentSaves.length;
    await projectOrder(change('PENDING', '01A'), models.ports);
    expect(models.log.recentSaves).toHaveLength(saves);
    expect(models.stats.recent.map((order) => order.orderId)).toEqual(['01F', '01E', '01D', '01C', '01B']);
  });

  it('counts a confirmed order older than the five kept, leaving the recent orders as they are', async () => {
    const models = fakeReadModels();
    for (const id of ['01B', '01C', '01D', '01E', '01F']) await projectOrder(change('PENDING', id), models.ports);
    await projectOrder(change('CONFIRMED', '01A'), models.ports);
    expect(models.log.confirmations.at(-1)!.recentOrders).toBeUndefined();
    expect(models.stats).toMatchObject({ orderCount: 1, lifetimeValueCents: 900 });
    expect(models.stats.recent.map((order) => order.orderId)).toEqual(['01F', '01E', '01D', '01C', '01B']);
  });

  it('leaves stats and sales alone for orders that are not confirmed', async () => {
    const models = fakeReadModels();
    await projectOrder(change('REJECTED'), models.ports);
    await projectOrder(change('PENDING', '01B'), models.ports);
    expect(models.stats).toMatchObject({ orderCount: 0, lifetimeValueCents: 0 });
    expect(models.log.confirmations).toHaveLength(0);
    expect(models.log.boardSaves).toHaveLength(0);
  });
});
