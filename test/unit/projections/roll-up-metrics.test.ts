import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnavailableError } from '../../../lambdas/domain/errors.ts';
import type { HourlyRollup, RecordedMetricEvent } from '../../../lambdas/domain/metrics.ts';
import type { RollupLedger } from '../../../lambdas/ports/metrics.ts';
import { logger } from '../../../lambdas/observability.ts';
import { type InsertedEvent, rollUpMetrics } from '../../../lambdas/projections/roll-up-metrics.ts';

const event = (eventId: string, value: number, hour = '2026-11-24T10', name = 'clicks'): RecordedMetricEvent => ({
  name, hour, shard: 1, eventId, at: `${hour}:05:00.000Z`, value, userId: 'u1',
});
const inserted = (sequenceNumber: string, e: RecordedMetricEvent): InsertedEvent => ({ sequenceNumber, event: e });
const [a, b, c] = [event('A', 5), event('B', -2), event('C', 7.5)];

/**
 * An in-memory ledger with the guards of the real transaction: every event must exist and not be
 * counted yet, or nothing is written. It can lose races (contended) and fail rollups outright.
 */
function fakeLedger(stored: RecordedMetricEvent[]) {
  const events = new Map(stored.map((e) => [e.eventId, { counted: false }]));
  const rollups = new Map<string, HourlyRollup>();
  const counts: Array<{ rollup: string; count: number; sum: number; events: string[] }> = [];
  const widens: Array<[string, number, number]> = [];
  const trouble = { contendedCounts: 0, contendedWidens: 0, failingHour: undefined as string | undefined };
  const keyOf = (rollup: { name: string; hour: string }) => `${rollup.name}#${rollup.hour}`;
  const ledger: RollupLedger = {
    count: async (rollup, batch, totals) => {
      counts.push({ rollup: keyOf(rollup), ...totals, events: batch.map((e) => e.eventId) });
      if (rollup.hour === trouble.failingHour) throw new Error('table unavailable');
      if (trouble.contendedCounts > 0 && trouble.contendedCounts--) return { outcome: 'contended' };
      const alreadyCounted = new Set<number>();
      const missing = new Set<number>();
      batch.forEach((e, index) => {
        const state = events.get(e.eventId);
        if (!state) missing.add(index);
        else if (state.counted) alreadyCounted.add(index);
      });
      if (alreadyCounted.size + missing.size > 0) return { outcome: 'stale', alreadyCounted, missing };
      for (const e of batch) events.get(e.eventId)!.counted = true;
      const current = rollups.get(keyOf(rollup)) ?? { hour: rollup.hour, count: 0, sum: 0 };
      rollups.set(keyOf(rollup), { ...current, count: current.count + totals.count, sum: current.sum + totals.sum });
      return { outcome: 'committed' };
    },
    widenRange: async (rollup, min, max) => {
      widens.push([keyOf(rollup), min, max]);
      if (trouble.contendedWidens > 0 && trouble.contendedWidens--) return 'contended';
      const current = rollups.get(keyOf(rollup)) ?? { hour: rollup.hour, count: 0, sum: 0 };
      rollups.set(keyOf(rollup), { ...current, min: Math.min(current.min ?? min, min), max: Math.max(current.max ?? max, max) });
      return 'done';
    },
  };
  return { ports: { rollups: ledger }, rollups, counts, widens, trouble };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('rollUpMetrics (AP13)', () => {
  it('counts an hour’s events in one call, then widens min and max, one rollup per hour', async () => {
    const other = event('D', 1, '2026-11-24T11');
    const store = fakeLedger([a, b, c, other]);
    const failed = await rollUpMetrics([inserted('1', a), inserted('2', b), inserted('3', other), inserted('4', c)], store.ports);
    expect(failed).toEqual(new Set());
    expect(store.counts).toEqual([
      { rollup: 'clicks#2026-11-24T10', count: 3, sum: 10.5, events: ['A', 'B', 'C'] },
      { rollup: 'clicks#2026-11-24T11', count: 1, sum: 1, events: ['D'] },
    ]);
    expect(store.widens).toEqual(expect.arrayContaining([['clicks#2026-11-24T10', -2, 7.5], ['clicks#2026-11-24T11', 1, 1]]));
    expect(store.widens).toHaveLength(2);
    expect(store.rollups.get('clicks#2026-11-24T10')).toEqual({ hour: '2026-11-24T10', count: 3, sum: 10.5, min: -2, max: 7.5 });
  });

  it('adds nothing when the same batch is delivered again, but still repairs min and max', async () => {
    const store = fakeLedger([a, b]);
    await rollUpMetrics([inserted('1', a), inserted('2', b)], store.ports);
    store.counts.length = 0;
    store.widens.length = 0;
    expect(await rollUpMetrics([inserted('1', a), inserted('2', b)], store.ports)).toEqual(new Set());
    expect(store.counts).toHaveLength(1);
    expect(store.widens).toEqual([['clicks#2026-11-24T10', -2, 5]]);
    expect(store.rollups.get('clicks#2026-11-24T10')).toMatchObject({ count: 2, sum: 3 });
  });

  it('counts only the events not yet counted, and leaves expired ones out of min and max', async () => {
    // a: already counted by an earlier delivery; b: expired and deleted before this delivery; c: new.
    const store = fakeLedger([a, c]);
    await rollUpMetrics([inserted('1', a)], store.ports);
    store.counts.length = 0;
    store.widens.length = 0;
    expect(await rollUpMetrics([inserted('1', a), inserted('2', b), inserted('3', c)], store.ports)).toEqual(new Set());
    expect(store.counts.map(({ count, sum, events }) => ({ count, sum, events }))).toEqual([
      { count: 3, sum: 10.5, events: ['A', 'B', 'C'] },
      { count: 1, sum: 7.5, events: ['C'] },
    ]);
    expect(store.widens).toEqual([['clicks#2026-11-24T10', 5, 7.5]]);
  });

  it('retries a count, and a widening, that lost a race to a concurrent writer', async () => {
    const store = fakeLedger([a]);
    store.trouble.contendedCounts = 1;
    store.trouble.contendedWidens = 1;
    expect(await rollUpMetrics([inserted('1', a)], store.ports)).toEqual(new Set());
    expect(store.counts.map(({ count }) => count)).toEqual([1, 1]);
    expect(store.widens).toHaveLength(2);
    expect(store.rollups.get('clicks#2026-11-24T10')).toEqual({ hour: '2026-11-24T10', count: 1, sum: 5, min: 5, max: 5 });
  });

  it('gives up after 5 lost races, and reports the rollup’s records for redelivery', async () => {
    vi.useFakeTimers();
    const store = fakeLedger([a, b]);
    store.trouble.contendedCounts = 99;
    const pending = rollUpMetrics([inserted('1', a), inserted('2', b)], store.ports);
    await vi.runAllTimersAsync();
    expect(await pending).toEqual(new Set(['1', '2']));
    expect(store.counts).toHaveLength(5);
  });

  it('splits more than 99 events of one hour over several calls', async () => {
    const many = Array.from({ length: 150 }, (_, i) => event(`E${String(i).padStart(3, '0')}`, 1));
    const store = fakeLedger(many);
    await rollUpMetrics(many.map((e, i) => inserted(String(i + 1), e)), store.ports);
    expect(store.counts.map(({ count, events }) => [count, events.length])).toEqual([[99, 99], [51, 51]]);
  });

  it('reports every record of a failed rollup, and only those', async () => {
    const failing = [event('F', 3, '2026-11-24T11'), event('G', 4, '2026-11-24T11')];
    const store = fakeLedger([a, ...failing]);
    store.trouble.failingHour = '2026-11-24T11';
    const failed = await rollUpMetrics([inserted('1', a), inserted('2', failing[0]!), inserted('3', failing[1]!)], store.ports);
    expect(failed).toEqual(new Set(['2', '3']));
    expect(store.rollups.get('clicks#2026-11-24T10')).toMatchObject({ count: 1 });
  });

  it('fails a rollup whose widening keeps losing races as unavailable, not as a fault', async () => {
    vi.useFakeTimers();
    const warned = vi.spyOn(logger, 'warn');
    const store = fakeLedger([a]);
    store.trouble.contendedWidens = 99;
    const pending = rollUpMetrics([inserted('1', a)], store.ports);
    await vi.runAllTimersAsync();
    expect(await pending).toEqual(new Set(['1']));
    expect(store.widens).toHaveLength(5);
    expect((warned.mock.calls[0]![1] as { error: unknown }).error).toBeInstanceOf(UnavailableError);
  });
});
