import { config } from '../config.ts';
import type { RankedProduct } from '../domain/sales.ts';
import type { ProductSalesLedger, TopProductsBoard } from '../ports/projections.ts';
import { ProductSales } from '../model/product-sales.ts';
import { TopProducts } from '../model/top-products.ts';
import { batchGetAll } from './batch-get.ts';
import { conditionHeld } from './aws-errors.ts';

/** The one board the projection keeps. */
const BOARD = 'top';

/** Units sold so far of each product (an order has ≤ 50): one consistent BatchGetItem. */
export async function getUnitsSold(productIds: readonly string[]): Promise<Map<string, number>> {
  const sales = await batchGetAll(
    productIds.map((productId) => ({ productId })),
    (keys) => ProductSales.get(keys).go({ consistent: true }),
  );
  const sold = new Map(sales.map((sale) => [sale.productId, sale.unitsSold ?? 0]));
  return new Map(productIds.map((productId) => [productId, sold.get(productId) ?? 0]));
}

const ranked = (products: ReadonlyArray<{ productId: string; unitsSold: number }> | undefined): RankedProduct[] =>
  (products ?? []).map(({ productId, unitsSold }) => ({ productId, unitsSold }));

/** AP17: the best sellers, best first — one GetItem. Read at cold start to warm product caches. */
export async function getTopProducts(): Promise<RankedProduct[]> {
  const { data } = await TopProducts.get({ board: BOARD }).go();
  return ranked(data?.products);
}

/** The board with its version, for a read-modify-write. */
export async function readTopProductsBoard(): Promise<{ products: RankedProduct[]; version: number | undefined }> {
  const { data } = await TopProducts.get({ board: BOARD }).go({ consistent: true });
  return { products: ranked(data?.products), version: data?.version };
}

/** Replaces the board if nobody changed it since `version` was read; 'raced' when someone did. */
export async function saveTopProducts(products: RankedProduct[], version: number | undefined): Promise<'saved' | 'raced'> {
  const update = TopProducts.update({ board: BOARD })
    .set({ products, version: (version ?? 0) + 1, schemaVersion: 1 })
    .where((attr, { notExists, eq }) => (version === undefined ? notExists(attr.version) : eq(attr.version, version)))
    .go();
  return (await conditionHeld(update)) ? 'saved' : 'raced';
}

export const productSalesLedger: ProductSalesLedger = { unitsSold: getUnitsSold };
export const topProductsBoard: TopProductsBoard = {
  // Read when the board is ranked, not at import: the configuration checks who reads what.
  get size() {
    return config.topProductsSize;
  },
  read: readTopProductsBoard,
  save: saveTopProducts,
};
