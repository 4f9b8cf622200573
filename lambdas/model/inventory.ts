import { Entity } from 'electrodb';
import { INVENTORY_SCHEMA_VERSION } from '../domain/stock.ts';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

const attributes = {
  productId: { type: 'string', required: true },
  warehouseId: { type: 'string', required: true },
  available: { type: 'number', required: true },
  updatedAt: { type: 'string', required: true },
} as const;

/**
 * Stock per product, warehouse and bucket (`sk = $inventory_1#warehouseId_{w}#bucket_{n}`).
 * AP6: Query pk=product, sk begins_with `$inventory_1#warehouseId_` — one request, which also finds
 * the schema-1 items below. Separate items per warehouse and bucket spread a hot product's
 * decrements over many items (docs/data-model.md, "Hot items").
 */
export const Inventory = new Entity(
  {
    model: { entity: 'inventory', version: '1', service: SERVICE },
    attributes: {
      ...attributes,
      // Absent on schema-1 items, which the same Query reads.
      bucket: { type: 'number' },
      schemaVersion: { ...schemaVersion, default: INVENTORY_SCHEMA_VERSION },
    },
    indexes: {
      byProduct: {
        pk: { field: 'pk', composite: ['productId'], casing: 'none' },
        sk: { field: 'sk', composite: ['warehouseId', 'bucket'], casing: 'none' },
      },
    },
  },
  entityConfig,
);

/**
 * A warehouse's stock as schema 1 wrote it, in one item (`sk = $inventory_1#warehouseId_{w}`): read
 * by Inventory's Query, decremented and deleted through this entity until PUT inventory or the
 * backfill replaces it with buckets. Nothing writes new ones.
 */
export const InventoryBeforeBuckets = new Entity(
  {
    model: { entity: 'inventory', version: '1', service: SERVICE },
    attributes: { ...attributes, schemaVersion },
    indexes: {
      byProduct: {
        pk: { field: 'pk', composite: ['productId'], casing: 'none' },
        sk: { field: 'sk', composite: ['warehouseId'], casing: 'none' },
      },
    },
  },
  entityConfig,
);
