import { type ErrorDetail, ValidationError } from './errors.ts';
import { epochSeconds } from './expiry.ts';

/** Time-series metrics: hour buckets, random write shards, rollup arithmetic and archive objects. */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Late events (offline clients, replays) are accepted for a week; the future only up to clock skew. */
const EVENT_MAX_AGE_MS = 7 * DAY_MS;
const EVENT_MAX_SKEW_MS = 5 * 60_000;
/** GET /admin/metrics reads at most this range: 744 hourly rollups, one small Query page. */
const ROLLUP_MAX_RANGE_MS = 31 * DAY_MS;
const ROLLUP_DEFAULT_RANGE_MS = DAY_MS;

/** The hour bucket of an instant, `YYYY-MM-DDTHH` (UTC): the unit of raw-event partitions and rollups. */
export function hourOf(at: string | Date): string {
  return new Date(at).toISOString().slice(0, 13);
}

/** The first instant of an hour bucket, as the API shows it: `2026-11-24T10:00:00.000Z`. */
export const hourStart = (hour: string): string => `${hour}:00:00.000Z`;

/**
 * Random suffix: a metric name is written by many clients at once, so any shard will do and
 * writes spread evenly; readers of an hour (AP14) query every shard.
 */
export function randomShard(count: number, random: () => number = Math.random): number {
  return Math.min(count - 1, Math.floor(random() * count));
}

export interface Rollup {
  count: number;
  sum: number;
  min: number;
  max: number;
}

export function addToRollup(rollup: Rollup | undefined, value: number): Rollup {
  if (!rollup) return { count: 1, sum: value, min: value, max: value };
  return { count: rollup.count + 1, sum: decimalSum([rollup.sum, value]), min: Math.min(rollup.min, value), max: Math.max(rollup.max, value) };
}

const MICROS = 6;

/**
 * The sum of metric values (at most 6 decimals, as POST /events accepts them) computed in exact
 * decimal micro-units: 0.1 + 0.2 is 0.3, as DynamoDB's own decimal ADD would make it, not
 * 0.30000000000000004.
 */
export function decimalSum(values: readonly number[]): number {
  const micros = values.reduce((sum, value) => sum + BigInt(value.toFixed(MICROS).replace('.', '')), 0n);
  const digits = (micros < 0n ? -micros : micros).toString().padStart(MICROS + 1, '0');
  return Number(`${micros < 0n ? '-' : ''}${digits.slice(0, -MICROS)}.${digits.slice(-MICROS)}`);
}

/** A metric event as POST /events accepts it (already shape-checked by its schema). */
export interface MetricEventInput {
  name: string;
  value: number;
  at?: string | undefined;
  productId?: string | undefined;
}

/**
 * A raw event (AP14) as ingestion decides it: hour bucket, id and instant. Where it is stored (its
 * write shard) and until when (its TTL) are the store's to decide.
 */
export interface MetricEvent {
  name: string;
  hour: string;
  eventId: string;
  at: string;
  value: number;
  productId?: string | undefined;
  userId?: string | undefined;
}

/** A stored event as the stream shows it: `shard` is the store's, only handed back to it. */
export interface RecordedMetricEvent extends MetricEvent {
  shard: number;
}

/**
 * Turns accepted input into events: server time when `at` is missing, UTC instants, the hour
 * bucket and an id. An `at` outside [now − 7 days, now + 5 min] is refused (a ValidationError, one detail per
 * event): a late event still counts in its own hour, but a far-past one would rewrite history and
 * a future one is a client's clock error.
 */
export function toMetricEvents(inputs: readonly MetricEventInput[], context: { userId: string; now: Date; newId: () => string }): MetricEvent[] {
  const { now } = context;
  const instants = inputs.map((input) => (input.at === undefined ? now : new Date(input.at)));
  const problems: ErrorDetail[] = instants.flatMap((instant, index) => {
    const offset = instant.getTime() - now.getTime();
    // Written so that an invalid date (NaN) is refused too.
    return offset >= -EVENT_MAX_AGE_MS && offset <= EVENT_MAX_SKEW_MS
      ? []
      : [{ path: `events.${index}.at`, message: 'must be within the last 7 days and at most 5 minutes ahead' }];
  });
  if (problems.length > 0) throw new ValidationError('Invalid body', problems);
  return inputs.map((input, index) => {
    const instant = instants[index]!;
    return {
      name: input.name,
      hour: hourOf(instant),
      eventId: context.newId(),
      at: instant.toISOString(),
      value: input.value,
      ...(input.productId !== undefined ? { productId: input.productId } : {}),
      userId: context.userId,
    };
  });
}

/**
 * The hours of a rollup read: the last 24 h by default, `from` ≤ `to`, at most 31 days. Both ends
 * are inclusive at hour granularity (the hour containing `to` is part of the answer).
 */
export function rollupRange(query: { from?: string | undefined; to?: string | undefined }, now: Date): { fromHour: string; toHour: string } {
  const to = query.to === undefined ? now : new Date(query.to);
  const from = query.from === undefined ? new Date(to.getTime() - ROLLUP_DEFAULT_RANGE_MS) : new Date(query.from);
  const span = to.getTime() - from.getTime();
  if (Number.isNaN(span)) throw new ValidationError('Invalid query', [{ path: 'query', message: '`from` and `to` must be valid instants' }]);
  if (span < 0) throw new ValidationError('Invalid query', [{ path: 'query.from', message: 'must not be after `to`' }]);
  if (span > ROLLUP_MAX_RANGE_MS) throw new ValidationError('Invalid query', [{ path: 'query.to', message: 'the range must not exceed 31 days' }]);
  return { fromHour: hourOf(from), toHour: hourOf(to) };
}

/** A rollup is kept for the metrics retention counted from the end of its hour. */
export function rollupExpiry(hour: string, ttlSeconds: number): number {
  return epochSeconds(new Date(Date.parse(hourStart(hour)) + HOUR_MS)) + ttlSeconds;
}

/** An hourly rollup of a metric (AP13): `name` and `hour` are its key. */
export interface RollupKey {
  name: string;
  hour: string;
}

/** A rollup as read: min and max are absent until the first range update of its hour. */
export interface HourlyRollup {
  hour: string;
  count: number;
  sum: number;
  min?: number | undefined;
  max?: number | undefined;
}

/** The rollup an event counts in. */
export const rollupKeyOf = (event: { name: string; hour: string }): string => `${event.name}#${event.hour}`;

/** Groups items by a key, keeping first-seen order of keys and the items' order within each group. */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

/** An expired event from a TTL REMOVE record, with the record's stream position. */
export interface ExpiredEvent {
  sequenceNumber: string;
  event: MetricEvent;
}

export interface ArchiveObject {
  key: string;
  /** Newline-delimited JSON: one event per line, in stream order. */
  body: string;
  count: number;
}

/**
 * Cold-storage objects for expired events: one per metric name and (event) day, named after the
 * first stream record of its group. The key depends only on the records, so a redelivered batch
 * rewrites the same objects instead of adding copies.
 */
export function archiveObjects(expired: readonly ExpiredEvent[]): ArchiveObject[] {
  return groupBy(expired, ({ event }) => `${event.name}/${event.hour.slice(0, 10)}`).map((group) => {
    const { sequenceNumber, event } = group[0]!;
    const lines = group.map(({ event: e }) =>
      JSON.stringify({
        name: e.name,
        at: e.at,
        value: e.value,
        eventId: e.eventId,
        ...(e.productId !== undefined ? { productId: e.productId } : {}),
        ...(e.userId !== undefined ? { userId: e.userId } : {}),
      }),
    );
    return { key: `metrics/${event.name}/${event.hour.slice(0, 10)}/${sequenceNumber}.ndjson`, body: `${lines.join('\n')}\n`, count: group.length };
  });
}
