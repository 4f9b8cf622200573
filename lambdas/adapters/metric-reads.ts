import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { config } from '../config.ts';
import { isLive } from '../domain/expiry.ts';
import type { HourlyRollup, RecordedMetricEvent } from '../domain/metrics.ts';
import { allShards } from '../domain/sharding.ts';
import { MetricEvent, type MetricEventItem } from '../model/metric-event.ts';
import { MetricRollup } from '../model/metric-rollup.ts';
import type { RollupReader } from '../ports/metrics.ts';

/**
 * The reads of metrics, apart from their writes (adapters/metrics-store.ts) so that a function
 * that only reads bundles only what it reads.
 */

const recorded = ({ name, hour, shard, eventId, at, value, productId, userId }: MetricEventItem): RecordedMetricEvent => ({
  name, hour, shard, eventId, at, value,
  ...(productId !== undefined ? { productId } : {}),
  ...(userId !== undefined ? { userId } : {}),
});

/** The metric event in a stream record's image; null for any other item. */
export function metricEventOfImage(image: unknown): RecordedMetricEvent | null {
  if (!image) return null;
  const { data } = MetricEvent.parse({ Item: unmarshall(image as Record<string, AttributeValue>) });
  return data ? recorded(data) : null;
}

/**
 * AP14: the raw events of a metric in one hour — one Query per shard (per 1 MB page), in parallel,
 * merged in time order. Events past their TTL that DynamoDB has not deleted yet are left out.
 */
export async function listEventsOfHour(name: string, hour: string, now = new Date()): Promise<RecordedMetricEvent[]> {
  const shards = await Promise.all(
    allShards(config.metricShardCount).map(async (shard) => (await MetricEvent.query.byNameHour({ name, hour, shard }).go({ pages: 'all' })).data),
  );
  return shards
    .flat()
    .filter((event) => isLive(event, now))
    .sort((a, b) => (a.at === b.at ? (a.eventId < b.eventId ? -1 : 1) : a.at < b.at ? -1 : 1))
    .map(recorded);
}

/** AP13: the hourly rollups of a metric between two hours (inclusive) — one Query. */
export async function listRollups(name: string, fromHour: string, toHour: string, now = new Date()): Promise<HourlyRollup[]> {
  const { data } = await MetricRollup.query.byName({ name }).between({ hour: fromHour }, { hour: toHour }).go({ pages: 'all' });
  return data
    .filter((rollup) => isLive(rollup, now))
    .map(({ hour, count, sum, min, max }) => ({
      hour,
      count: count ?? 0,
      sum: sum ?? 0,
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
    }));
}

export const rollupReader: RollupReader = { list: (name, fromHour, toHour) => listRollups(name, fromHour, toHour) };
