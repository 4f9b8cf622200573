import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnavailableError } from '../../../lambdas/domain/errors.ts';
import { refreshTopProducts } from '../../../lambdas/projections/refresh-top-products.ts';
import { fakeReadModels } from './fake-read-models.ts';

afterEach(() => vi.useRealTimers());

describe('refreshTopProducts (AP17)', () => {
  it('ranks the products by their units sold onto the board', async () => {
    const models = fakeReadModels({ unitsSold: { p1: 2, p2: 1 } });
    await refreshTopProducts(['p2', 'p1', 'p1'], models.ports);
    expect(models.log.boardSaves).toEqual([{ products: [{ productId: 'p1', unitsSold: 2 }, { productId: 'p2', unitsSold: 1 }], version: undefined }]);
    expect(models.board()).toEqual({ products: [{ productId: 'p1', unitsSold: 2 }, { productId: 'p2', unitsSold: 1 }], version: 1 });
  });

  it('rewrites the board only when its ranking changes, not on every sale of a product on it', async () => {
    const models = fakeReadModels({ board: { products: [{ productId: 'p1', unitsSold: 5 }, { productId: 'p2', unitsSold: 3 }], version: 7 }, unitsSold: { p1: 6, p2: 3 } });
    await refreshTopProducts(['p1'], models.ports);
    expect(models.log.boardSaves).toEqual([]);
    models.sold.set('p2', { units: 9, revenueCents: 0 });
    await refreshTopProducts(['p2'], models.ports);
    // p1's units on the board are still those of the last rewrite (5, not 6): a lower bound.
    expect(models.board()).toEqual({ products: [{ productId: 'p2', unitsSold: 9 }, { productId: 'p1', unitsSold: 5 }], version: 8 });
  });

  it('rewrites nothing when the same products are refreshed again', async () => {
    const models = fakeReadModels({ unitsSold: { p1: 2 } });
    await refreshTopProducts(['p1'], models.ports);
    await refreshTopProducts(['p1'], models.ports);
    expect(models.log.boardSaves).toHaveLength(1);
  });

  it('re-reads and retries the board when a concurrent projector changed it', async () => {
    const models = fakeReadModels({ board: { products: [], version: 3 }, unitsSold: { p1: 2 } });
    models.races.board = 1;
    await refreshTopProducts(['p1'], models.ports);
    expect(models.log.boardSaves.map(({ version }) => version)).toEqual([3, 3]);
    expect(models.board().version).toBe(4);
  });

  it('ranks at most the board’s size', async () => {
    const models = fakeReadModels({ boardSize: 1, unitsSold: { p1: 2, p2: 1 } });
    await refreshTopProducts(['p1', 'p2'], models.ports);
    expect(models.board().products).toEqual([{ productId: 'p1', unitsSold: 2 }]);
  });

  it('gives up on a board that keeps changing after 10 races', async () => {
    vi.useFakeTimers();
    const models = fakeReadModels({ unitsSold: { p1: 2 } });
    models.races.board = 99;
    const failure = refreshTopProducts(['p1'], models.ports).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    expect(await failure).toBeInstanceOf(UnavailableError);
    expect(models.log.boardSaves).toHaveLength(10);
  });

  it('does nothing for no products', async () => {
    const models = fakeReadModels();
    await refreshTopProducts([], models.ports);
    expect(models.log.boardSaves).toHaveLength(0);
  });
});
