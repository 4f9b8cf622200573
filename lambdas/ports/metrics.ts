import type { ArchiveObject, HourlyRollup, MetricEvent, RecordedMetricEvent, RollupKey } from '../domain/metrics.ts';

/**
 * What the metric use cases need from the outside world, in their own terms. The adapters
 * (adapters/metrics-store.ts, adapters/archive-sink.ts) own the keys, shards, TTLs and conditions.
 */

/** The raw events of AP14. */
export interface MetricEventLog {
  /**
   * Stores the events, each in a write shard of its hour, kept for the metrics retention counted
   * from `receivedAt`. 'busy' when the store kept handing some back: the others may be stored.
   */
  append(events: readonly MetricEvent[], receivedAt: Date): Promise<'stored' | 'busy'>;
}

export type RollupCount =
  | { outcome: 'committed' }
  /** Nothing was written: these events (by index) were already counted, or no longer exist (expired). */
  | { outcome: 'stale'; alreadyCounted: ReadonlySet<number>; missing: ReadonlySet<number> }
  /** Nothing was written: another writer held an item, or the store throttled. */
  | { outcome: 'contended' };

/** The hourly rollups of AP13, as the projection keeps them. */
export interface RollupLedger {
  /**
   * Adds the events' count and sum to their rollup and marks each event counted, all or nothing:
   * an event counted before (a redelivery) or gone (expired) makes the whole call write nothing.
   */
  count(rollup: RollupKey, events: readonly RecordedMetricEvent[], totals: { count: number; sum: number }): Promise<RollupCount>;
  /** Lowers the rollup's min and raises its max to cover [min, max]; harmless to repeat. */
  widenRange(rollup: RollupKey, min: number, max: number): Promise<'done' | 'contended'>;
}

/** AP13's read: the live rollups of a metric between two hours, both included. */
export interface RollupReader {
  list(name: string, fromHour: string, toHour: string): Promise<HourlyRollup[]>;
}

/** The cold-storage archive of expired events. */
export interface ArchiveSink {
  /** Writes (or, for a redelivered batch, rewrites) one object. */
  put(object: ArchiveObject): Promise<void>;
}
