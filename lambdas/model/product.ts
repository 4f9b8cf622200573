import { Entity, type EntityItem } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/** AP3 get product: GetItem on pk=product. Shares its partition with the product's inventory (AP6). */
export const Product = new Entity(
  {
    model: { entity: 'product', version: '1', service: SERVICE },
    attributes: {
      productId: { type: 'string', required: true },
      name: { type: 'string', required: true },
      description: { type: 'string', required: true, default: '' },
      priceCents: { type: 'number', required: true },
      currency: { type: 'string', required: true, default: 'USD' },
      categories: { type: 'list', items: { type: 'string' }, required: true, default: () => [] },
      attributes: { type: 'any', required: true, default: () => ({}) },
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
