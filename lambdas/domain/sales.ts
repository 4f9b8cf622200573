/** Product sales and the top-products board (AP17), pure. */

export interface ProductSale {
  productId: string;
  units: number;
  /** Gross revenue at the order's unit prices, before order-level discounts. */
  revenueCents: number;
}

export interface RankedProduct {
  productId: string;
  unitsSold: number;
}

/** What a confirmed order adds to each product's sales, one entry per product. */
export function salesOfOrder(lines: ReadonlyArray<{ productId: string; quantity: number; unitPriceCents?: number | undefined }>): ProductSale[] {
  const sales = new Map<string, ProductSale>();
  for (const line of lines) {
    const sale = sales.get(line.productId) ?? { productId: line.productId, units: 0, revenueCents: 0 };
    sale.units += line.quantity;
    sale.revenueCents += line.quantity * (line.unitPriceCents ?? 0);
    sales.set(line.productId, sale);
  }
  return [...sales.values()];
}

/**
 * The board after learning the current units sold of some products: best `size` by units sold,
 * ties by product id. Units sold only grow, so a lower figure (read before a concurrent order
 * was counted) never replaces a higher one: applying the same figures twice changes nothing.
 */
export function rankTopProducts(board: readonly RankedProduct[], latest: ReadonlyMap<string, number>, size: number): RankedProduct[] {
  const units = new Map(board.map((entry) => [entry.productId, entry.unitsSold]));
  for (const [productId, unitsSold] of latest) units.set(productId, Math.max(units.get(productId) ?? 0, unitsSold));
  return [...units]
    .filter(([, unitsSold]) => unitsSold > 0)
    .map(([productId, unitsSold]) => ({ productId, unitsSold }))
    .sort((a, b) => b.unitsSold - a.unitsSold || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
    .slice(0, size);
}

/**
 * Whether two boards rank the same products in the same order. Units alone do not count: the board
 * is rewritten when its ranking changes, not on every sale of a product already on it.
 */
export function sameRanking(a: readonly RankedProduct[], b: readonly RankedProduct[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry.productId === b[i]!.productId);
}
