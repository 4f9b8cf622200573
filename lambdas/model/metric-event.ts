import { Entity, type EntityItem } from 'electrodb';
import { entityConfig, schemaVersion, SERVICE } from './table.ts';

/**
 * A raw metric event (AP14). Partition = metric name + hour + a random shard, so a hot metric's
 * writes spread over METRIC_SHARD_COUNT partitions; reading an hour queries every shard. Expires
 * after METRICS_TTL_SECONDS; the stream's TTL REMOVE records feed the cold-storage archive.
 * `rolledUp` marks the event as counted in its hourly rollup (exactly-once rollups).
 */
export const MetricEvent = new Entity(
  {
    model: { entity: 'metricEvent', version: '1', service: SERVICE },
    attributes: {
      name: { type: 'string', required: true },
      hour: { type: 'string', required: true },
      shard: { type: 'number', required: true },
      eventId: { type: 'string', required: true },
      at: { type: 'string', required: true },
      value: { type: 'number', required: true },
      productId: { type: 'string' },
      userId: { type: 'string' },
      ttl: { type: 'number', required: true },
      rolledUp: { type: 'boolean' },
      schemaVersion,
    },
    indexes: {
      byNameHour: {
        pk: { field: 'pk', composite: ['name', 'hour', 'shard'], casing: 'none' },
        sk: { field: 'sk', composite: ['at', 'eventId'], casing: 'none' },
      },
    },
  },
  entityConfig,
);

export type MetricEventItem = EntityItem<typeof MetricEvent>;
