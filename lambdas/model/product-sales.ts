import { Entity } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * Units sold and revenue of a product, projected from confirmed orders. Lives in the product's
 * partition. An order's sales are added once: they commit in the same transaction as the order's
 * history entry moving to CONFIRMED, the projector's guard (adapters/projection-store.ts).
 */
export const ProductSales = new Entity(
  {
    model: { entity: 'productSales', version: '1', service: SERVICE },
    attributes: {
      productId: { type: 'string', required: true },
      unitsSold: { type: 'number', default: 0 },
      revenueCents: { type: 'number', default: 0 },
      schemaVersion,
    },
    indexes: {
      byProduct: {
        pk: { field: 'pk', composite: ['productId'], casing: 'none' },
        sk: { field: 'sk', composite: [], casing: 'none' },
      },
    },
  },
  entityConfig,
);
