/** Catalog rules with no AWS in them: the product's public view and category memberships. */

export interface PublicProduct {
  productId: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  categories: string[];
  attributes: unknown;
}

/** A product as the catalog keeps it: the public fields and when it was created and last written. */
export interface Product extends PublicProduct {
  createdAt: string;
  updatedAt: string;
}

/** What PUT /products/{productId} writes: the other public fields have the catalog's defaults. */
export type ProductInput = Pick<Product, 'productId' | 'name' | 'priceCents'> &
  Partial<Pick<Product, 'description' | 'currency' | 'categories' | 'attributes'>>;

/** The Product of the API contract (SPEC §4), from a product or a membership's copy of it. */
export function productView(product: PublicProduct): PublicProduct {
  const { productId, name, description, priceCents, currency, categories, attributes } = product;
  return { productId, name, description, priceCents, currency, categories, attributes };
}

/**
 * What a product write does to its memberships: every current category's membership is (re)written,
 * so its copy of the public fields matches the product, and the categories dropped since the
 * previous version lose theirs.
 */
export function membershipChanges(previous: readonly string[], next: readonly string[]): { put: string[]; remove: string[] } {
  const kept = new Set(next);
  return { put: [...kept], remove: [...new Set(previous)].filter((categoryId) => !kept.has(categoryId)) };
}
