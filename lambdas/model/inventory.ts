import { Entity } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * Stock per product and warehouse. AP6: Query pk=product, sk begins_with inventory — one request.
 * Separate items per warehouse spread a hot product's decrements over several items.
 */
export const Inventory = new Entity(
  {
    model: { entity: 'inventory', version: '1', service: SERVICE },
    attributes: {
      productId: { type: 'string', required: true },
      warehouseId: { type: 'string', required: true },
      available: { type: 'number', required: true },
      schemaVersion,
      updatedAt: { type: 'string', required: true },
    },
    indexes: {
      byProduct: {
        pk: { field: 'pk', composite: ['productId'], casing: 'none' },
        sk: { field: 'sk', composite: ['warehouseId'], casing: 'none' },
      },
    },
  },
  entityConfig,
);
