import { membershipChanges, type Product, type ProductInput } from '../domain/catalog.ts';
import type { WarehouseStock } from '../domain/order-rules.ts';
import { ascendingPage } from '../domain/pagination-ascending.ts';
import { Inventory } from '../model/inventory.ts';
import { Product as ProductEntity, type ProductItem } from '../model/product.ts';
import { ProductCategory, type ProductCategoryItem } from '../model/product-category.ts';
import { commerce } from '../model/service.ts';
import type { CatalogStore, ProductReplacement } from '../ports/catalog.ts';
import { batchGetAll } from './batch-get.ts';

function toProduct(item: ProductItem): Product {
  const { productId, name, description, priceCents, currency, categories, attributes, createdAt, updatedAt } = item;
  return { productId, name, description, priceCents, currency, categories, attributes, createdAt, updatedAt };
}

/** AP3: one GetItem. */
export async function getProduct(productId: string): Promise<Product | undefined> {
  const { data } = await ProductEntity.get({ productId }).go();
  return data ? toProduct(data) : undefined;
}

/** Catalog prices of several products: one BatchGetItem (ElectroDB splits over 100 keys). */
export async function getProducts(productIds: string[]): Promise<Map<string, Product>> {
  const products = await batchGetAll(
    productIds.map((productId) => ({ productId })),
    (keys) => ProductEntity.get(keys).go(),
  );
  return new Map(products.map((product) => [product.productId, toProduct(product)]));
}

/** The version a write replaces: one consistent GetItem. */
async function currentVersion(productId: string): Promise<Product | undefined> {
  const { data } = await ProductEntity.get({ productId }).go({ consistent: true });
  return data ? toProduct(data) : undefined;
}

/**
 * Replaces a product, keeping its creation time, and its category memberships with it: one
 * transaction puts the product, puts a membership (with a copy of the public fields) per category
 * and deletes the memberships of categories dropped since `previous` — at most 1 + 10 + 10 items.
 * The product put is conditioned on `previous` still being current, so two concurrent writers
 * cannot leave behind a membership that neither of them kept.
 */
async function replaceProduct(input: ProductInput, previous: Product | undefined, now: string): Promise<ProductReplacement> {
  // ElectroDB's own put params and parser apply the model's defaults, so what is returned (and
  // copied into memberships) is exactly what is stored.
  const { Item } = ProductEntity.put({ ...input, createdAt: previous?.createdAt ?? now, updatedAt: now }).params();
  const parsed = ProductEntity.parse({ Item }).data;
  if (!parsed) throw new Error(`product ${input.productId} did not survive its own parser`);
  const product = toProduct(parsed);
  const { productId, name, description, priceCents, currency, categories, attributes } = product;
  const changes = membershipChanges(previous?.categories ?? [], categories);

  const { canceled, data } = await commerce.transaction
    .write(({ product: products, productCategory }) => [
      products
        .put(parsed)
        .where((attr, { eq, notExists }) => (previous ? eq(attr.updatedAt, previous.updatedAt) : notExists(attr.productId)))
        .commit(),
      ...changes.put.map((categoryId) =>
        productCategory.put({ productId, categoryId, name, description, priceCents, currency, categories, attributes }).commit(),
      ),
      ...changes.remove.map((categoryId) => productCategory.delete({ productId, categoryId }).commit()),
    ])
    .go();
  if (!canceled) return { outcome: 'replaced', product };
  // Lost the race: the version read is gone, or another transaction held the product just then.
  if (data[0]?.code === 'ConditionalCheckFailed' || data.some((result) => result.code === 'TransactionConflict')) return { outcome: 'contended' };
  throw new Error(`Writing product ${productId} was canceled: ${data.map((result) => result.code).join(',')}`);
}

/**
 * AP4: a page of a category's products in productId order — one Query on gsi1. Reads one item
 * more than the page to know whether another page follows.
 */
export async function listCategoryProducts(
  categoryId: string,
  options: { limit: number; after?: string },
): Promise<{ items: ProductCategoryItem[]; after: string | null }> {
  const index = ProductCategory.query.byCategory({ categoryId });
  const query = options.after ? index.gt({ productId: options.after }) : index;
  const { data } = await query.go({ limit: options.limit + 1 });
  return ascendingPage(data, options.limit, (membership) => membership.productId);
}

/** AP5: the categories of a product — one Query on the product's partition (≤ 10 memberships). */
export async function getCategoriesOfProduct(productId: string): Promise<string[]> {
  const { data } = await ProductCategory.query.byProduct({ productId }).go({ pages: 'all' });
  return data.map((membership) => membership.categoryId);
}

async function putInventory(productId: string, warehouseId: string, available: number, now: string): Promise<void> {
  await Inventory.put({ productId, warehouseId, available, updatedAt: now }).go();
}

/** AP6: the product's stock in every warehouse — one Query on the product's partition. */
export async function getStock(productId: string): Promise<WarehouseStock[]> {
  const { data } = await Inventory.query.byProduct({ productId }).go({ pages: 'all' });
  return data.map(({ warehouseId, available }) => ({ warehouseId, available }));
}

export const catalogStore: CatalogStore = {
  product: getProduct,
  products: getProducts,
  currentVersion,
  replaceProduct,
  categoryPage: listCategoryProducts,
  stock: getStock,
  setStock: putInventory,
};
