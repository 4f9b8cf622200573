import { config } from '../config.ts';
import type { ProductSale, RankedProduct } from '../domain/sales.ts';
import type { ProductSalesLedger, TopProductsBoard } from '../ports/projections.ts';
import { ProductSales } from '../model/product-sales.ts';
import { commerce } from '../model/service.ts';
import { TopProducts } from '../model/top-products.ts';
import { batchGetAll } from './batch-get.ts';
import { conditionHeld } from './aws-errors.ts';

/** The one board the projection keeps. */
const BOARD = 'top';

/**
 * Adds a confirmed order's units and revenue to each of its products exactly once: the order's
 * `sales` projection mark is created (attribute_not_exists) in the same transaction as the ADDs,
 * so a redelivered record fails the mark and adds nothing.
 */
export async function countOrderSales(orderId: string, sales: readonly ProductSale[], now: string): Promise<'counted' | 'already-counted' | 'contended'> {
  const { canceled, data } = await commerce.transaction
    .write(({ projectionMark, productSales }) => [
      projectionMark.create({ orderId, projection: 'sales', at: now }).commit(),
      ...sales.map((sale) =>
        productSales
          .update({ productId: sale.productId })
          .add({ unitsSold: sale.units, revenueCents: sale.revenueCents })
          .set({ schemaVersion: 1 })
          .commit(),
      ),
    ])
    .go();
  if (!canceled) return 'counted';
  if (data[0]?.code === 'ConditionalCheckFailed') return 'already-counted';
  if (data.some((result) => result.code === 'TransactionConflict')) return 'contended';
  throw new Error(`Counting the sales of order ${orderId} was canceled: ${data.map((result) => result.code).join(',')}`);
}

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

export const productSalesLedger: ProductSalesLedger = { count: countOrderSales, unitsSold: getUnitsSold };
export const topProductsBoard: TopProductsBoard = {
  // Read when the board is ranked, not at import: the configuration checks who reads what.
  get size() {
    return config.topProductsSize;
  },
  read: readTopProductsBoard,
  save: saveTopProducts,
};
