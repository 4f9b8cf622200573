import { countOrderSales, getUnitsSold, readTopProductsBoard, saveTopProducts } from '../adapters/sales-store.ts';
import { config } from '../config.ts';
import { backoffDelayMs, sleep } from '../domain/retry.ts';
import { rankTopProducts, salesOfOrder, sameRanking } from '../domain/sales.ts';

/** Attempts at the sales transaction while concurrent orders of the same products hold their items. */
const CONTENDED_ATTEMPTS = 5;
/** Rewrites of the board lost to concurrent projectors before the record is failed and retried. */
const BOARD_RACES = 10;
const BACKOFF = { baseMs: 25, capMs: 500 };

async function countSalesOnce(orderId: string, lines: Parameters<typeof salesOfOrder>[0]): Promise<void> {
  const sales = salesOfOrder(lines);
  for (let attempt = 1; attempt <= CONTENDED_ATTEMPTS; attempt++) {
    if ((await countOrderSales(orderId, sales, new Date().toISOString())) !== 'contended') return;
    await sleep(backoffDelayMs(attempt, BACKOFF));
  }
  throw new Error(`The sales of order ${orderId} kept conflicting with concurrent orders`);
}

/**
 * Puts the current units sold of the order's products on the board (optimistic version check).
 * It runs on every delivery, not only the first: if an earlier delivery counted the sales but
 * died before this step, the replay still completes it. An unchanged board is not rewritten.
 */
async function refreshTopProducts(productIds: string[]): Promise<void> {
  for (let race = 0; race < BOARD_RACES; race++) {
    // Board first, then sales: a board written after a concurrent count is never fed older sales.
    const board = await readTopProductsBoard();
    const next = rankTopProducts(board.products, await getUnitsSold(productIds), config.topProductsSize);
    if (sameRanking(board.products, next)) return;
    if (await saveTopProducts(next, board.version)) return;
  }
  throw new Error('The top-products board kept changing under us');
}

/** AP17's projection of a CONFIRMED order: product sales exactly once, then the board. */
export async function projectSales(order: { orderId: string; items: Parameters<typeof salesOfOrder>[0] }): Promise<void> {
  if (order.items.length === 0) return;
  await countSalesOnce(order.orderId, order.items);
  await refreshTopProducts([...new Set(order.items.map((line) => line.productId))]);
}
