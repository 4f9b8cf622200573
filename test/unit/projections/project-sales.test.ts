import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnavailableError } from '../../../lambdas/domain/errors.ts';
import { projectSales } from '../../../lambdas/projections/project-sales.ts';
import { fakeReadModels } from './fake-read-models.ts';

const order = {
  orderId: '01S',
  items: [
    { productId: 'p1', quantity: 2, unitPriceCents: 500 },
    { productId: 'p2', quantity: 1, unitPriceCents: 300 },
  ],
};

afterEach(() => vi.useRealTimers());

describe('projectSales (AP17)', () => {
  it('adds a confirmed order’s units and revenue once, and puts the products on the board', async () => {
    const models = fakeReadModels();
    await projectSales(order, models.ports);
    expect(models.log.salesCounts).toEqual([
      { orderId: '01S', sales: [{ productId: 'p1', units: 2, revenueCents: 1000 }, { productId: 'p2', units: 1, revenueCents: 300 }], at: '2026-11-24T00:00:05.000Z' },
    ]);
    expect(models.log.boardSaves).toEqual([{ products: [{ productId: 'p1', unitsSold: 2 }, { productId: 'p2', unitsSold: 1 }], version: undefined }]);
    expect(models.board()).toEqual({ products: [{ productId: 'p1', unitsSold: 2 }, { productId: 'p2', unitsSold: 1 }], version: 1 });
  });

  it('adds nothing and rewrites nothing when the same order is delivered again', async () => {
    const models = fakeReadModels();
    await projectSales(order, models.ports);
    await projectSales(order, models.ports);
    expect(models.log.salesCounts).toHaveLength(2);
    expect(models.sold.get('p1')).toEqual({ units: 2, revenueCents: 1000 });
    expect(models.log.boardSaves).toHaveLength(1);
  });

  it('completes the board on a redelivery when the sales were counted but the board was not written', async () => {
    const models = fakeReadModels({ board: { products: [{ productId: 'p9', unitsSold: 1 }], version: 4 } });
    await models.ports.sales.count('01S', [{ productId: 'p1', units: 2, revenueCents: 1000 }, { productId: 'p2', units: 1, revenueCents: 300 }], 'earlier');
    await projectSales(order, models.ports);
    expect(models.log.boardSaves.map(({ products }) => products)).toEqual([
      [{ productId: 'p1', unitsSold: 2 }, { productId: 'p2', unitsSold: 1 }, { productId: 'p9', unitsSold: 1 }],
    ]);
  });

  it('re-reads and retries the board when a concurrent projector changed it', async () => {
    const models = fakeReadModels({ board: { products: [], version: 3 } });
    models.races.board = 1;
    await projectSales(order, models.ports);
    expect(models.log.boardSaves.map(({ version }) => version)).toEqual([3, 3]);
    expect(models.board().version).toBe(4);
  });

  it('ranks at most the board’s size', async () => {
    const models = fakeReadModels({ boardSize: 1 });
    await projectSales(order, models.ports);
    expect(models.board().products).toEqual([{ productId: 'p1', unitsSold: 2 }]);
  });

  it('retries a count that concurrent orders held up, and gives up after 5 as unavailable', async () => {
    const models = fakeReadModels();
    models.races.sales = 1;
    await projectSales(order, models.ports);
    expect(models.log.salesCounts).toHaveLength(2);
    expect(models.sold.get('p1')!.units).toBe(2);

    vi.useFakeTimers();
    const held = fakeReadModels();
    held.races.sales = 99;
    const failure = projectSales(order, held.ports).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    expect(await failure).toBeInstanceOf(UnavailableError);
    expect(held.log.salesCounts).toHaveLength(5);
    expect(held.log.boardSaves).toHaveLength(0);
  });

  it('gives up on a board that keeps changing after 10 races', async () => {
    vi.useFakeTimers();
    const models = fakeReadModels();
    models.races.board = 99;
    const failure = projectSales(order, models.ports).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    expect(await failure).toBeInstanceOf(UnavailableError);
    expect(models.log.boardSaves).toHaveLength(10);
  });

  it('does nothing for an order without lines', async () => {
    const models = fakeReadModels();
    await projectSales({ orderId: '01E', items: [] }, models.ports);
    expect(models.log.salesCounts).toHaveLength(0);
  });
});
