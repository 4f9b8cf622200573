import { countIntoRollup, type EventKey, type RollupKey, widenRollupRange } from '../adapters/metrics-store.ts';
import { config } from '../config.ts';
import { allSettledBounded, chunk } from '../domain/batching.ts';
import { backoffDelayMs, sleep } from '../domain/retry.ts';
import { addToRollup, groupBy, type Rollup, rollupExpiry, rollupKeyOf } from '../domain/metrics.ts';
import { logger } from '../observability.ts';

export interface InsertedEvent {
  sequenceNumber: string;
  event: EventKey & { value: number };
}

/** Rollups written at once. Events of one rollup are counted one transaction after another. */
const ROLLUP_CONCURRENCY = 4;
/** A transaction holds 100 writes: 99 event flags and the rollup's ADD. */
const EVENTS_PER_TRANSACTION = 99;
const CONTENDED_ATTEMPTS = 5;
const BACKOFF = { baseMs: 25, capMs: 500 };

class RollupContendedError extends Error {
  constructor(rollup: RollupKey) {
    super(`Rollup ${rollup.name} ${rollup.hour} kept conflicting with concurrent writers`);
    this.name = 'RollupContendedError';
  }
}

const totalsOf = (values: number[]): Rollup => values.reduce<Rollup | undefined>(addToRollup, undefined)!;

/**
 * Counts up to 99 events that are not counted yet in one transaction. Events already counted (a
 * redelivery) or gone (expired) are dropped and the rest retried. Returns the values of the events
 * that are now counted, by this call or an earlier delivery.
 */
async function countChunk(rollup: RollupKey, events: InsertedEvent['event'][]): Promise<number[]> {
  const counted: number[] = [];
  let pending = events;
  let contended = 0;
  while (pending.length > 0) {
    const totals = totalsOf(pending.map((event) => event.value));
    const result = await countIntoRollup(rollup, pending, { count: totals.count, sum: totals.sum });
    if (result.outcome === 'committed') return [...counted, ...pending.map((event) => event.value)];
    if (result.outcome === 'stale') {
      counted.push(...pending.filter((_, index) => result.alreadyCounted.has(index)).map((event) => event.value));
      pending = pending.filter((_, index) => !result.alreadyCounted.has(index) && !result.missing.has(index));
      continue;
    }
    if (++contended === CONTENDED_ATTEMPTS) throw new RollupContendedError(rollup);
    await sleep(backoffDelayMs(contended, BACKOFF));
  }
  return counted;
}

/** Count and sum exactly once per event, then min and max (idempotent) over every counted event. */
async function rollUpGroup(events: InsertedEvent['event'][]): Promise<void> {
  const { name, hour } = events[0]!;
  const rollup: RollupKey = { name, hour, ttl: rollupExpiry(hour, config.metricsTtlSeconds) };
  const counted: number[] = [];
  for (const part of chunk(events, EVENTS_PER_TRANSACTION)) counted.push(...(await countChunk(rollup, part)));
  if (counted.length === 0) return;
  const { min, max } = totalsOf(counted);
  for (let attempt = 1; ; attempt++) {
    if ((await widenRollupRange(rollup, min, max)) === 'done') return;
    if (attempt === CONTENDED_ATTEMPTS) throw new RollupContendedError(rollup);
    await sleep(backoffDelayMs(attempt, BACKOFF));
  }
}

/**
 * Rolls newly inserted events into their hourly rollups (AP13), a few rollups at a time. Returns
 * the sequence numbers of the records whose rollup failed; every step is safe to repeat, so the
 * caller has them redelivered.
 */
export async function rollUp(inserted: readonly InsertedEvent[]): Promise<Set<string>> {
  const groups = groupBy(inserted, ({ event }) => rollupKeyOf(event));
  const results = await allSettledBounded(groups, ROLLUP_CONCURRENCY, (group) => rollUpGroup(group.map(({ event }) => event)));
  const failed = new Set<string>();
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const group = groups[index]!;
    logger.warn('rollup failed; its records will be redelivered', { rollup: rollupKeyOf(group[0]!.event), error: result.reason as Error });
    for (const { sequenceNumber } of group) failed.add(sequenceNumber);
  });
  return failed;
}
