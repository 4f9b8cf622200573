import { Entity, type EntityItem } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/** AP3 get product: GetItem on pk=product. Shares its partition with the product's inventory (AP6). */
/**
 * The product's public fields. Category memberships carry a copy of them (product-category.ts),
 * so both entities take their definition from here and cannot drift apart.
 */
export const productPublicAttributes = {
  name: { type: 'string', required: true },
  description: { type: 'string', required: true, default: '' },
  priceCents: { type: 'number', required: true },
  currency: { type: 'string', required: true, default: 'USD' },
  categories: { type: 'list', items: { type: 'string' }, required: true, default: () => [] },
  attributes: { type: 'any', required: true, default: () => ({}) },
} as const;

export const Product = new Entity(
  {
    model: { entity: 'product', version: '1', service: SERVICE },
    attributes: {
      productId: { type: 'string', required: true },
      ...productPublicAttributes,
      schemaVersion,
      createdAt: { type: 'string', required: true },
      updatedAt: { type: 'string', required: true },
    },
    indexes: {
      byId: {
        pk: { field: 'pk', composite: ['productId'], casing: 'none' },
        sk: { field: 'sk', composite: [], casing: 'none' },
      },
    },
  },
  entityConfig,
);

export type ProductItem = EntityItem<typeof Product>;
