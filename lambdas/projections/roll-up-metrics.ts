import { allSettledBounded, chunk } from '../domain/batching.ts';
import { UnavailableError } from '../domain/errors.ts';
import { addToRollup, groupBy, type RecordedMetricEvent, type Rollup, type RollupKey, rollupKeyOf } from '../domain/metrics.ts';
import { AGAIN, retry } from '../domain/retry.ts';
import type { RollupLedger } from '../ports/metrics.ts';
import { logger } from '../observability.ts';

export interface InsertedEvent {
  sequenceNumber: string;
  event: RecordedMetricEvent;
}

/** Rollups written at once. Events of one rollup are counted one transaction after another. */
const ROLLUP_CONCURRENCY = 4;
/** A transaction holds 100 writes: 99 event flags and the rollup's ADD. */
const EVENTS_PER_TRANSACTION = 99;
/** Calls lost to concurrent writers (or throttling) before the rollup's records are failed and redelivered. */
const CONTENDED = { attempts: 5, baseMs: 25, capMs: 500 };

const contended = (rollup: RollupKey) => new UnavailableError(`Rollup ${rollup.name} ${rollup.hour} kept conflicting with concurrent writers`, 1);

const totalsOf = (values: number[]): Rollup => values.reduce<Rollup | undefined>(addToRollup, undefined)!;

/**
 * Counts up to 99 events that are not counted yet, in one call. Events already counted (a
 * redelivery) or gone (expired) are dropped and the rest counted again at once; only a lost race
 * waits and counts as an attempt. Returns the values of the events that are now counted, by this
 * call or an earlier delivery.
 */
async function countChunk(rollup: RollupKey, events: readonly RecordedMetricEvent[], ledger: RollupLedger): Promise<number[]> {
  const counted: number[] = [];
  let pending = events;
  const result = await retry(CONTENDED, async () => {
    while (pending.length > 0) {
      const totals = totalsOf(pending.map((event) => event.value));
      const answer = await ledger.count(rollup, pending, { count: totals.count, sum: totals.sum });
      if (answer.outcome === 'committed') return [...counted, ...pending.map((event) => event.value)];
      if (answer.outcome === 'contended') return AGAIN;
      counted.push(...pending.filter((_, index) => answer.alreadyCounted.has(index)).map((event) => event.value));
      pending = pending.filter((_, index) => !answer.alreadyCounted.has(index) && !answer.missing.has(index));
    }
    return counted;
  });
  if (result === AGAIN) throw contended(rollup);
  return result;
}

/** Count and sum exactly once per event, then min and max (idempotent) over every counted event. */
async function rollUpGroup(events: readonly RecordedMetricEvent[], ledger: RollupLedger): Promise<void> {
  const rollup: RollupKey = { name: events[0]!.name, hour: events[0]!.hour };
  const counted: number[] = [];
  for (const part of chunk(events, EVENTS_PER_TRANSACTION)) counted.push(...(await countChunk(rollup, part, ledger)));
  if (counted.length === 0) return;
  const { min, max } = totalsOf(counted);
  const widened = await retry(CONTENDED, async () => ((await ledger.widenRange(rollup, min, max)) === 'done' ? 'done' : AGAIN));
  if (widened === AGAIN) throw contended(rollup);
}

/**
 * Rolls newly inserted events into their hourly rollups (AP13), a few rollups at a time. Returns
 * the sequence numbers of the records whose rollup failed; every step is safe to repeat, so the
 * caller has them redelivered.
 */
export async function rollUpMetrics(inserted: readonly InsertedEvent[], ports: { rollups: RollupLedger }): Promise<Set<string>> {
  const groups = groupBy(inserted, ({ event }) => rollupKeyOf(event));
  const results = await allSettledBounded(groups, ROLLUP_CONCURRENCY, (group) => rollUpGroup(group.map(({ event }) => event), ports.rollups));
  const failed = new Set<string>();
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const group = groups[index]!;
    logger.warn('rollup failed; its records will be redelivered', { rollup: rollupKeyOf(group[0]!.event), error: result.reason as Error });
    for (const { sequenceNumber } of group) failed.add(sequenceNumber);
  });
  return failed;
}
