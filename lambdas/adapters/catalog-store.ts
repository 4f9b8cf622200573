import { Service } from 'electrodb';
import { membershipChanges, type Product, type ProductInput } from '../domain/catalog.ts';
import { ConflictError } from '../domain/errors.ts';
import type { StockBucket } from '../domain/order-rules.ts';
import { ascendingPage } from '../domain/pagination-ascending.ts';
import { AGAIN, retry } from '../domain/retry.ts';
import { spreadUnits } from '../domain/stock.ts';
import { Inventory, InventoryBeforeBuckets } from '../model/inventory.ts';
import { Product as ProductEntity, type ProductItem } from '../model/product.ts';
import { ProductCategory, type ProductCategoryItem } from '../model/product-category.ts';
import { entityConfig } from '../model/table.ts';
import type { CatalogStore, ProductReplacement, StockWrites } from '../ports/catalog.ts';
import { CONTENTION_CODES } from './aws-errors.ts';
import { batchGetAll } from './batch-get.ts';

/** The entities of the catalog's transactions — a service of its own, so that a function constructs only the entities its adapters use. */
const catalog = new Service({ product: ProductEntity, productCategory: ProductCategory, inventory: Inventory, inventoryBeforeBuckets: InventoryBeforeBuckets }, entityConfig);

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

  const { canceled, data } = await catalog.transaction
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

/** AP6's Query: every item of the product's stock, schema-1 items among them (their `bucket` is absent). */
async function stockItems(productId: string, options: { consistent?: boolean } = {}): Promise<StockBucket[]> {
  const { data } = await Inventory.query.byProduct({ productId }).go({ pages: 'all', ...options });
  return data.map(({ warehouseId, bucket, available }) => ({ warehouseId, ...(bucket === undefined ? {} : { bucket }), available }));
}

/** AP6: the product's stock in every warehouse and bucket — one Query on the product's partition. */
export async function getStock(productId: string): Promise<StockBucket[]> {
  return stockItems(productId);
}

/** Transactions lost to settlements on the same buckets (or another PUT) before the write gives up. */
const STOCK_RACES = { attempts: 5, baseMs: 20, capMs: 400 };

/**
 * Sets a warehouse's stock (decision 0013): one transaction puts its `buckets` items with the units
 * spread over them and deletes whatever else held that warehouse's stock — its schema-1 item, buckets
 * beyond `buckets` left by an earlier count — found by a consistent Query first. All of it or
 * nothing; every writer puts the same items, so concurrent writes leave exactly one of them. A
 * transaction conflict (a settlement on a bucket just then) is tried again; one that keeps losing
 * is a ConflictError.
 */
async function putInventory(productId: string, warehouseId: string, available: number, now: string, buckets: number): Promise<void> {
  const units = spreadUnits(available, buckets);
  const written = await retry(STOCK_RACES, async () => {
    const held = (await stockItems(productId, { consistent: true })).filter((item) => item.warehouseId === warehouseId);
    const beforeBuckets = held.some((item) => item.bucket === undefined);
    const beyond = held.flatMap(({ bucket }) => (bucket !== undefined && bucket >= buckets ? [bucket] : []));
    const { canceled, data } = await catalog.transaction
      .write(({ inventory, inventoryBeforeBuckets }) => [
        ...units.map((bucketUnits, bucket) => inventory.put({ productId, warehouseId, bucket, available: bucketUnits, updatedAt: now }).commit()),
        ...beyond.map((bucket) => inventory.delete({ productId, warehouseId, bucket }).commit()),
        ...(beforeBuckets ? [inventoryBeforeBuckets.delete({ productId, warehouseId }).commit()] : []),
      ])
      .go();
    if (!canceled) return 'written' as const;
    // ElectroDB types the results of an array built only from spreads as never[].
    const codes = (data as ReadonlyArray<{ code?: string }>).map((result) => result.code);
    if (codes.some((code) => code !== undefined && CONTENTION_CODES.has(code))) return AGAIN;
    throw new Error(`Setting the stock of ${productId} in ${warehouseId} was canceled: ${codes.join(',')}`);
  });
  if (written === AGAIN) throw new ConflictError('The stock is being changed concurrently; retry');
}

/** PUT inventory's writes, spreading each warehouse's units over `buckets` items (the catalog function's STOCK_BUCKET_COUNT). */
export function stockWrites(buckets: number): StockWrites {
  return { setStock: (productId, warehouseId, available, now) => putInventory(productId, warehouseId, available, now, buckets) };
}

/** The catalog's store; the catalog handler adds stockWrites with its bucket count. */
export const catalogStore: Omit<CatalogStore, keyof StockWrites> = {
  product: getProduct,
  products: getProducts,
  currentVersion,
  replaceProduct,
  categoryPage: listCategoryProducts,
  stock: getStock,
};
