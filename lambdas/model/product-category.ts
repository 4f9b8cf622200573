import { Entity, type EntityItem } from 'electrodb';
import { productPublicAttributes } from './product.ts';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * Membership of a product in a category (many-to-many). Stored in the product's partition, so AP5
 * (categories of a product) is a Query there; gsi1 inverts it for AP4 (products of a category).
 * The item carries a copy of the product's public fields so a category page needs no second read;
 * PUT /products rewrites the copies.
 */
export const ProductCategory = new Entity(
  {
    model: { entity: 'productCategory', version: '1', service: SERVICE },
    attributes: {
      productId: { type: 'string', required: true },
      categoryId: { type: 'string', required: true },
      ...productPublicAttributes,
      schemaVersion,
    },
    indexes: {
      byProduct: {
        pk: { field: 'pk', composite: ['productId'], casing: 'none' },
        sk: { field: 'sk', composite: ['categoryId'], casing: 'none' },
      },
      byCategory: {
        index: 'gsi1',
        pk: { field: 'gsi1pk', composite: ['categoryId'], casing: 'none' },
        sk: { field: 'gsi1sk', composite: ['productId'], casing: 'none' },
      },
    },
  },
  entityConfig,
);

export type ProductCategoryItem = EntityItem<typeof ProductCategory>;
