import { Entity, type EntityItem } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * Idempotency record of POST /orders: one per (user, Idempotency-Key), holding a hash of the
 * request and the order it created. Expires through TTL (24 h by default).
 */
export const IdempotencyRecord = new Entity(
  {
    model: { entity: 'idempotency', version: '1', service: SERVICE },
    attributes: {
      userId: { type: 'string', required: true },
      key: { type: 'string', required: true },
      requestHash: { type: 'string', required: true },
      orderId: { type: 'string', required: true },
      createdAt: { type: 'string', required: true },
      ttl: { type: 'number', required: true },
      schemaVersion,
    },
    indexes: {
      byKey: {
        pk: { field: 'pk', composite: ['userId', 'key'], casing: 'none' },
        sk: { field: 'sk', composite: [], casing: 'none' },
      },
    },
  },
  entityConfig,
);

export type IdempotencyItem = EntityItem<typeof IdempotencyRecord>;
