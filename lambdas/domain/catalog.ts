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
