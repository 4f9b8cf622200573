import type { WarehouseStock } from '../domain/orders.ts';
import { Inventory } from '../model/inventory.ts';
import { Product, type ProductItem } from '../model/product.ts';

export type ProductInput = Pick<ProductItem, 'productId' | 'name' | 'priceCents'> &
  Partial<Pick<ProductItem, 'description' | 'currency' | 'categories' | 'attributes'>>;

/** AP3: one GetItem. */
export async function getProduct(productId: string): Promise<ProductItem | undefined> {
  const { data } = await Product.get({ productId }).go();
  return data ?? undefined;
}

/** Catalog prices of several products: one BatchGetItem (ElectroDB splits over 100 keys). */
export async function getProducts(productIds: string[]): Promise<Map<string, ProductItem>> {
  const { data } = await Product.get(productIds.map((productId) => ({ productId }))).go();
  return new Map(data.map((product) => [product.productId, product]));
}

/** Creates or replaces a product, keeping its creation time. */
export async function putProduct(input: ProductInput, now: string): Promise<ProductItem> {
  const existing = await getProduct(input.productId);
  const { data } = await Product.put({ ...input, createdAt: existing?.createdAt ?? now, updatedAt: now }).go();
  return data;
}

export async function putInventory(productId: string, warehouseId: string, available: number, now: string) {
  const { data } = await Inventory.put({ productId, warehouseId, available, updatedAt: now }).go();
  return data;
}

/** AP6: the product's stock in every warehouse — one Query on the product's partition. */
export async function getStock(productId: string): Promise<WarehouseStock[]> {
  const { data } = await Inventory.query.byProduct({ productId }).go({ pages: 'all' });
  return data.map(({ warehouseId, available }) => ({ warehouseId, available }));
}
