import { UnavailableError } from '../domain/errors.ts';
import type { OrderLine } from '../domain/projections.ts';
import { AGAIN, retry } from '../domain/retry.ts';
import { rankTopProducts, salesOfOrder, sameRanking } from '../domain/sales.ts';
import type { ProductSalesLedger, TopProductsBoard } from '../ports/projections.ts';

export interface SalesProjectionPorts {
  sales: ProductSalesLedger;
  board: TopProductsBoard;
  now: () => string;
}

/** Attempts at counting the sales while concurrent orders of the same products hold their items. */
const CONTENDED = { attempts: 5, baseMs: 25, capMs: 500 };
/** Rewrites of the board lost to concurrent projectors before the record is failed and retried. */
const BOARD_RACES = { attempts: 10, baseMs: 25, capMs: 500 };

/**
 * AP17's projection of a CONFIRMED order: its product sales exactly once, then the board. The
 * board is refreshed on every delivery, not only the first: if an earlier delivery counted the
 * sales but died before the board, the replay still completes it.
 */
export async function projectSales(order: { orderId: string; items: readonly OrderLine[] }, ports: SalesProjectionPorts): Promise<void> {
  if (order.items.length === 0) return;
  const sales = salesOfOrder(order.items);
  const counted = await retry(CONTENDED, async () => ((await ports.sales.count(order.orderId, sales, ports.now())) === 'contended' ? AGAIN : 'done'));
  if (counted === AGAIN) throw new UnavailableError(`The sales of order ${order.orderId} kept conflicting with concurrent orders`, 1);
  await refreshTopProducts([...new Set(order.items.map((line) => line.productId))], ports);
}

/** Puts the current units sold of the products on the board (optimistic version check); an unchanged board is not rewritten. */
async function refreshTopProducts(productIds: string[], { sales, board }: SalesProjectionPorts): Promise<void> {
  const refreshed = await retry(BOARD_RACES, async () => {
    // Board first, then sales: a board written after a concurrent count is never fed older sales.
    const current = await board.read();
    const next = rankTopProducts(current.products, await sales.unitsSold(productIds), board.size);
    if (sameRanking(current.products, next)) return 'unchanged';
    return (await board.save(next, current.version)) === 'saved' ? 'saved' : AGAIN;
  });
  if (refreshed === AGAIN) throw new UnavailableError('The top-products board kept changing under us', 1);
}
