import { Entity, type EntityItem } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * Hourly rollup of a metric (AP13: Query pk=name, sk between two hours). Maintained by the stream
 * consumer; count and sum are added once per event, min and max are idempotent by nature.
 * Expires with the raw events' retention.
 */
export const MetricRollup = new Entity(
  {
    model: { entity: 'metricRollup', version: '1', service: SERVICE },
    attributes: {
      name: { type: 'string', required: true },
      hour: { type: 'string', required: true },
      count: { type: 'number', default: 0 },
      sum: { type: 'number', default: 0 },
      min: { type: 'number' },
      max: { type: 'number' },
      ttl: { type: 'number' },
      schemaVersion,
    },
    indexes: {
      byName: {
        pk: { field: 'pk', composite: ['name'], casing: 'none' },
        sk: { field: 'sk', composite: ['hour'], casing: 'none' },
      },
    },
  },
  entityConfig,
);

export type MetricRollupItem = EntityItem<typeof MetricRollup>;
