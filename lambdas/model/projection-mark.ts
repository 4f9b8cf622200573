import { Entity } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * "This projection already applied this order": written with `attribute_not_exists` in the same
 * transaction as the projection's increments, which makes additive projections exactly-once under
 * stream redelivery. In the order's partition.
 */
export const ProjectionMark = new Entity(
  {
    model: { entity: 'projectionMark', version: '1', service: SERVICE },
    attributes: {
      orderId: { type: 'string', required: true },
      projection: { type: 'string', required: true },
      at: { type: 'string', required: true },
      schemaVersion,
    },
    indexes: {
      byOrder: {
        pk: { field: 'pk', composite: ['orderId'], casing: 'none' },
        sk: { field: 'sk', composite: ['projection'], casing: 'none' },
      },
    },
  },
  entityConfig,
);
