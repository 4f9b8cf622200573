import { UnavailableError } from '../domain/errors.ts';
import { AGAIN, retry } from '../domain/retry.ts';
import { rankTopProducts, sameRanking } from '../domain/sales.ts';
import type { ProductSalesLedger, TopProductsBoard } from '../ports/projections.ts';

export interface TopProductsPorts {
  sales: ProductSalesLedger;
  board: TopProductsBoard;
}

/** Rewrites of the board lost to concurrent projectors before the record is failed and retried. */
const BOARD_RACES = { attempts: 10, baseMs: 25, capMs: 500 };

/**
 * AP17's board after a confirmed order of these products: their current units sold ranked into it
 * (optimistic version check). The board is written only when its ranking changes, so the units on
 * it are those of its last rewrite — lower bounds, enough to rank and to warm caches. Runs on every
 * delivery, not only the first: if an earlier delivery recorded the sales but died before the
 * board, the replay still completes it.
 */
export async function refreshTopProducts(productIds: readonly string[], { sales, board }: TopProductsPorts): Promise<void> {
  if (productIds.length === 0) return;
  const products = [...new Set(productIds)];
  const refreshed = await retry(BOARD_RACES, async () => {
    // Board first, then sales: a board written after a concurrent count is never fed older sales.
    const current = await board.read();
    const next = rankTopProducts(current.products, await sales.unitsSold(products), board.size);
    if (sameRanking(current.products, next)) return 'unchanged';
    return (await board.save(next, current.version)) === 'saved' ? 'saved' : AGAIN;
  });
  if (refreshed === AGAIN) throw new UnavailableError('The top-products board kept changing under us', 1);
}
