import { BatchWriteCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { Service } from 'electrodb';
import { config } from '../config.ts';
import { allSettledBounded } from '../domain/batching.ts';
import { AGAIN, retry } from '../domain/retry.ts';
import { expiresAt } from '../domain/expiry.ts';
import { type MetricEvent, randomShard, type RecordedMetricEvent, rollupExpiry, type RollupKey } from '../domain/metrics.ts';
import type { MetricEventLog, RollupCount, RollupLedger } from '../ports/metrics.ts';
import { MetricEvent as MetricEventEntity } from '../model/metric-event.ts';
import { MetricRollup } from '../model/metric-rollup.ts';
import { client, entityConfig } from '../model/table.ts';
import { CONTENTION_CODES, isConditionFailure, isTransactionConflict } from './aws-errors.ts';

/** The entities of the roll-up transaction — a service of its own, so that a function constructs only the entities its adapters use. */
const metricTables = new Service({ metricEvent: MetricEventEntity, metricRollup: MetricRollup }, entityConfig);

/** BatchWriteItem requests in flight per call: a 500-event POST is 20 requests, 4 at a time. */
const WRITE_CONCURRENCY = 4;
/** Attempts per 25-item request while DynamoDB hands items back unprocessed (throttled partitions). */
const UNPROCESSED_WRITES = { attempts: 6, baseMs: 50, capMs: 1_000 };

const unprocessedCount = (items: BatchWriteCommandInput['RequestItems']) =>
  Object.values(items ?? {}).reduce((sum, requests) => sum + requests.length, 0);

/** One 25-item request, resending only what DynamoDB did not process, with jittered backoff. */
async function writeUntilProcessed(request: BatchWriteCommandInput): Promise<'stored' | 'busy'> {
  let pending = request.RequestItems;
  const done = await retry(UNPROCESSED_WRITES, async () => {
    const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: pending }));
    if (unprocessedCount(UnprocessedItems) === 0) return 'stored' as const;
    pending = UnprocessedItems;
    return AGAIN;
  });
  return done === AGAIN ? 'busy' : done;
}

/**
 * Stores raw events (AP14's items) with BatchWriteItem, 25 per request (ElectroDB chunks them),
 * at most WRITE_CONCURRENCY requests in flight, each in a random shard of its hour: a metric name
 * is written by many clients at once, so any shard will do. 'busy' when throttling outlasted the
 * retries of a request; the events of other requests are stored by then. A failed request throws
 * once every started request has ended.
 */
export async function putMetricEvents(events: readonly MetricEvent[], receivedAt = new Date()): Promise<'stored' | 'busy'> {
  const ttl = expiresAt(receivedAt, config.metricsTtlSeconds);
  const items = events.map((event) => ({ ...event, shard: randomShard(config.metricShardCount), ttl }));
  const requests = MetricEventEntity.put(items).params() as BatchWriteCommandInput[];
  const results = await allSettledBounded(requests, WRITE_CONCURRENCY, writeUntilProcessed);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.some((result) => result.status === 'fulfilled' && result.value === 'busy') ? 'busy' : 'stored';
}

/**
 * Counts events into their rollup, exactly once: one transaction flags each event `rolledUp`
 * (condition: the event exists and is not flagged yet) and ADDs their count and sum to the rollup,
 * which is kept for the metrics retention from the end of its hour. A redelivered event fails its
 * condition, and the whole transaction writes nothing.
 */
export async function countIntoRollup(rollup: RollupKey, events: readonly RecordedMetricEvent[], totals: { count: number; sum: number }): Promise<RollupCount> {
  const { canceled, data } = await metricTables.transaction
    .write(({ metricEvent, metricRollup }) => [
      metricRollup
        .update({ name: rollup.name, hour: rollup.hour })
        .add({ count: totals.count, sum: totals.sum })
        .set({ ttl: rollupExpiry(rollup.hour, config.metricsTtlSeconds), schemaVersion: 1 })
        .commit(),
      ...events.map(({ name, hour, shard, at, eventId }) =>
        metricEvent
          .patch({ name, hour, shard, at, eventId })
          .set({ rolledUp: true })
          .where(({ rolledUp }, { notExists }) => notExists(rolledUp))
          // The old item tells "already counted" (it exists) from "expired before we got here".
          .commit({ response: 'all_old' }),
      ),
    ])
    .go();
  if (!canceled) return { outcome: 'committed' };
  const alreadyCounted = new Set<number>();
  const missing = new Set<number>();
  // Item 0 is the rollup; item i + 1 is events[i].
  data.slice(1).forEach((result, index) => {
    if (result.code === 'ConditionalCheckFailed') (result.item ? alreadyCounted : missing).add(index);
  });
  if (alreadyCounted.size + missing.size > 0) return { outcome: 'stale', alreadyCounted, missing };
  if (data.some((result) => CONTENTION_CODES.has(result.code))) return { outcome: 'contended' };
  throw new Error(`Rollup ${rollup.name} ${rollup.hour} was canceled: ${data.map((result) => result.code).join(',')}`);
}

/**
 * Lowers the rollup's min and raises its max to cover a value range: two conditional updates, each
 * a no-op when the rollup already covers it, so repeating them is harmless.
 */
export async function widenRollupRange(rollup: RollupKey, min: number, max: number): Promise<'done' | 'contended'> {
  const key = { name: rollup.name, hour: rollup.hour };
  const updates = [
    MetricRollup.update(key).set({ min }).where((attr, { notExists, gt }) => `${notExists(attr.min)} OR ${gt(attr.min, min)}`),
    MetricRollup.update(key).set({ max }).where((attr, { notExists, lt }) => `${notExists(attr.max)} OR ${lt(attr.max, max)}`),
  ];
  const outcomes = await Promise.all(
    updates.map(async (update) => {
      try {
        await update.go();
        return 'done' as const;
      } catch (error) {
        if (isConditionFailure(error)) return 'done' as const;
        if (isTransactionConflict(error)) return 'contended' as const;
        throw error;
      }
    }),
  );
  return outcomes.includes('contended') ? 'contended' : 'done';
}

export const metricEventLog: MetricEventLog = { append: putMetricEvents };
export const rollupLedger: RollupLedger = { count: countIntoRollup, widenRange: widenRollupRange };
