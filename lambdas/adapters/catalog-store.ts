import { membershipChanges } from '../domain/catalog.ts';
import { ConflictError } from '../domain/errors.ts';
import type { WarehouseStock } from '../domain/order-rules.ts';
import { ascendingPage } from '../domain/pagination-ascending.ts';
import { Inventory } from '../model/inventory.ts';
import { Product, type ProductItem } from '../model/product.ts';
import { ProductCategory, type ProductCategoryItem } from '../model/product-category.ts';
import { commerce } from '../model/service.ts';
import { AGAIN, retry } from '../domain/retry.ts';
import { batchGetAll } from './batch-get.ts';

export type ProductInput = Pick<ProductItem, 'productId' | 'name' | 'priceCents'> &
  Partial<Pick<ProductItem, 'description' | 'currency' | 'categories' | 'attributes'>>;

/** AP3: one GetItem. */
export async function getProduct(productId: string): Promise<ProductItem | undefined> {
  const { data } = await Product.get({ productId }).go();
  return data ?? undefined;
}

/** Catalog prices of several products: one BatchGetItem (ElectroDB splits over 100 keys). */
export async function getProducts(productIds: string[]): Promise<Map<string, ProductItem>> {
  const products = await batchGetAll(
    productIds.map((productId) => ({ productId })),
    (keys) => Product.get(keys).go(),
  );
  return new Map(products.map((product) => [product.productId, product]));
}

/** Concurrent writers of one product retry this often before the caller is told to. */
const PRODUCT_RACES = { attempts: 3, baseMs: 10, capMs: 200 };

/**
 * Creates or replaces a product, keeping its creation time, and its category memberships with it:
 * one transaction puts the product, puts a membership (with a copy of the public fields) per
 * category and deletes the memberships of categories dropped since the version read — at most
 * 1 + 10 + 10 items. The product put is conditioned on that version still being current, so two
 * concurrent writers cannot leave behind a membership that neither of them kept.
 */
export async function putProduct(input: ProductInput, now: string): Promise<ProductItem> {
  const written = await retry(PRODUCT_RACES, async () => {
    const { data: previous } = await Product.get({ productId: input.productId }).go({ consistent: true });
    return (await replaceProduct(input, previous ?? undefined, now)) ?? AGAIN;
  });
  if (written !== AGAIN) return written;
  throw new ConflictError('The product is being changed concurrently; retry', 'CONCURRENT_UPDATE');
}

/** One attempt of putProduct; undefined when another writer changed the product since `previous` was read. */
async function replaceProduct(input: ProductInput, previous: ProductItem | undefined, now: string): Promise<ProductItem | undefined> {
  // ElectroDB's own put params and parser apply the model's defaults, so what is returned (and
  // copied into memberships) is exactly what is stored.
  const { Item } = Product.put({ ...input, createdAt: previous?.createdAt ?? now, updatedAt: now }).params();
  const product = Product.parse({ Item }).data;
  if (!product) throw new Error(`product ${input.productId} did not survive its own parser`);
  const { productId, name, description, priceCents, currency, categories, attributes } = product;
  const changes = membershipChanges(previous?.categories ?? [], categories);

  const { canceled, data } = await commerce.transaction
    .write(({ product: products, productCategory }) => [
      products
        .put(product)
        .where((attr, { eq, notExists }) => (previous ? eq(attr.updatedAt, previous.updatedAt) : notExists(attr.productId)))
        .commit(),
      ...changes.put.map((categoryId) =>
        productCategory.put({ productId, categoryId, name, description, priceCents, currency, categories, attributes }).commit(),
      ),
      ...changes.remove.map((categoryId) => productCategory.delete({ productId, categoryId }).commit()),
    ])
    .go();
  if (!canceled) return product;
  // Lost the race: the version read is gone, or another transaction held the product just then.
  if (data[0]?.code === 'ConditionalCheckFailed' || data.some((result) => result.code === 'TransactionConflict')) return undefined;
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

export async function putInventory(productId: string, warehouseId: string, available: number, now: string) {
  const { data } = await Inventory.put({ productId, warehouseId, available, updatedAt: now }).go();
  return data;
}

/** AP6: the product's stock in every warehouse — one Query on the product's partition. */
export async function getStock(productId: string): Promise<WarehouseStock[]> {
  const { data } = await Inventory.query.byProduct({ productId }).go({ pages: 'all' });
  return data.map(({ warehouseId, available }) => ({ warehouseId, available }));
}
