import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allSettledBounded, chunk, mapBounded } from '../../../lambdas/domain/batching.ts';
import { backoffDelayMs } from '../../../lambdas/domain/retry.ts';
import { ValidationError } from '../../../lambdas/domain/errors.ts';
import { archiveObjects, decimalSum, type ExpiredEvent, groupBy, hourOf, rollupExpiry, rollupRange, toMetricEvents } from '../../../lambdas/domain/metrics.ts';

const now = new Date('2026-11-24T10:30:00.000Z');
const context = { userId: 'u1', now, shardCount: 8, ttlSeconds: 3600, newId: () => 'E1', random: () => 0.5 };

describe('toMetricEvents', () => {
  it('stamps server time, the hour bucket, a shard, the caller and the TTL', () => {
    const [event] = toMetricEvents([{ name: 'page_view', value: 2.5, productId: 'p1' }], context);
    expect(event).toEqual({
      name: 'page_view', hour: '2026-11-24T10', shard: 4, eventId: 'E1', at: '2026-11-24T10:30:00.000Z',
      value: 2.5, productId: 'p1', userId: 'u1', ttl: Math.floor(now.getTime() / 1000) + 3600,
    });
  });

  it('normalizes offsets to UTC and buckets by the UTC hour', () => {
    const [event] = toMetricEvents([{ name: 'n', value: 1, at: '2026-11-24T01:15:00+02:00' }], context);
    expect(event).toMatchObject({ at: '2026-11-23T23:15:00.000Z', hour: '2026-11-23T23' });
  });

  it('refuses instants older than 7 days or more than 5 minutes ahead, naming each', () => {
    const inputs = [
      { name: 'n', value: 1, at: '2026-11-17T10:30:00Z' }, // exactly 7 days: accepted
      { name: 'n', value: 1, at: '2026-11-17T10:29:59Z' },
      { name: 'n', value: 1, at: '2026-11-24T10:35:00Z' }, // exactly 5 minutes ahead: accepted
      { name: 'n', value: 1, at: '2026-11-24T10:35:01Z' },
    ];
    expect(() => toMetricEvents(inputs, context)).toThrow(ValidationError);
    try {
      toMetricEvents(inputs, context);
    } catch (error) {
      expect((error as ValidationError).details?.map((d) => d.path)).toEqual(['events.1.at', 'events.3.at']);
    }
    expect(toMetricEvents([inputs[0]!, inputs[2]!], context)).toHaveLength(2);
  });

  it('puts every event in a valid shard of its own hour (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -7 * 86_400_000, max: 300_000 }), { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 64 }), (offsets, shardCount) => {
        const inputs = offsets.map((offset) => ({ name: 'n', value: 1, at: new Date(now.getTime() + offset).toISOString() }));
        const events = toMetricEvents(inputs, { ...context, shardCount, random: Math.random });
        return events.every((event, i) => event.hour === hourOf(inputs[i]!.at) && event.shard >= 0 && event.shard < shardCount && Number.isInteger(event.shard));
      }),
    );
  });
});

describe('rollupRange', () => {
  it('defaults to the last 24 hours', () => {
    expect(rollupRange({}, now)).toEqual({ fromHour: '2026-11-23T10', toHour: '2026-11-24T10' });
    expect(rollupRange({ to: '2026-11-20T05:00:00Z' }, now)).toEqual({ fromHour: '2026-11-19T05', toHour: '2026-11-20T05' });
  });

  it('accepts up to 31 days and refuses more, or a reversed range', () => {
    expect(rollupRange({ from: '2026-10-24T10:30:00Z', to: '2026-11-24T10:30:00Z' }, now)).toEqual({ fromHour: '2026-10-24T10', toHour: '2026-11-24T10' });
    expect(() => rollupRange({ from: '2026-10-24T10:29:59Z', to: '2026-11-24T10:30:00Z' }, now)).toThrow(ValidationError);
    expect(() => rollupRange({ from: '2026-11-24T10:00:00Z', to: '2026-11-24T09:00:00Z' }, now)).toThrow(ValidationError);
  });
});

describe('decimalSum', () => {
  it('adds decimals exactly, as DynamoDB would', () => {
    expect(decimalSum([0.1, 0.2])).toBe(0.3);
    expect(decimalSum([1.000001, -0.000001, -3])).toBe(-2);
    expect(decimalSum([])).toBe(0);
  });

  it('is the number nearest to the exact decimal sum (property)', () => {
    // Values with 6 decimals, small enough that the exact sum in micro-units is a safe integer.
    const micros = fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n });
    fc.assert(
      fc.property(fc.array(micros, { maxLength: 30 }), (values) => {
        const exact = values.reduce((a, b) => a + b, 0n);
        return decimalSum(values.map((value) => Number(value) / 1e6)) === Number(exact) / 1e6;
      }),
    );
  });
});

describe('rollupExpiry', () => {
  it('counts the retention from the end of the hour', () => {
    expect(rollupExpiry('2026-11-24T10', 60)).toBe(Date.parse('2026-11-24T11:00:00Z') / 1000 + 60);
  });
});

describe('archiveObjects', () => {
  const expired = (sequenceNumber: string, name: string, at: string, extra: Partial<ExpiredEvent['event']> = {}): ExpiredEvent => ({
    sequenceNumber,
    event: { name, hour: at.slice(0, 13), eventId: `e${sequenceNumber}`, at, value: Number(sequenceNumber), ...extra },
  });

  it('writes one ndjson object per metric and day, named after its first record', () => {
    const objects = archiveObjects([
      expired('100', 'clicks', '2026-11-24T10:00:00.000Z', { productId: 'p1', userId: 'u1' }),
      expired('101', 'views', '2026-11-24T11:00:00.000Z'),
      expired('102', 'clicks', '2026-11-24T23:59:59.999Z'),
      expired('103', 'clicks', '2026-11-25T00:00:00.000Z'),
    ]);
    expect(objects.map(({ key, count }) => [key, count])).toEqual([
      ['metrics/clicks/2026-11-24/100.ndjson', 2],
      ['metrics/views/2026-11-24/101.ndjson', 1],
      ['metrics/clicks/2026-11-25/103.ndjson', 1],
    ]);
    expect(objects[0]!.body.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual([
      { name: 'clicks', at: '2026-11-24T10:00:00.000Z', value: 100, eventId: 'e100', productId: 'p1', userId: 'u1' },
      { name: 'clicks', at: '2026-11-24T23:59:59.999Z', value: 102, eventId: 'e102' },
    ]);
  });

  it('holds every event exactly once, and the same records always make the same objects (property)', () => {
    const record = fc.record({ name: fc.constantFrom('a', 'b', 'c'), day: fc.constantFrom('2026-11-24', '2026-11-25'), value: fc.integer() });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), (records) => {
        const input = records.map((r, i) => expired(String(1000 + i), r.name, `${r.day}T12:00:00.000Z`, { value: r.value }));
        const objects = archiveObjects(input);
        const lines = objects.flatMap((object) => object.body.trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line).eventId));
        return (
          lines.length === input.length &&
          new Set(lines).size === input.length &&
          JSON.stringify(archiveObjects(input)) === JSON.stringify(objects) &&
          new Set(objects.map((o) => o.key)).size === objects.length
        );
      }),
    );
  });
});

describe('batching', () => {
  it('chunks keep order and size (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 30 }), (items, size) => {
        const chunks = chunk(items, size);
        return chunks.flat().join() === items.join() && chunks.every((c) => c.length >= 1 && c.length <= size);
      }),
    );
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });

  it('backoff stays within [0, min(cap, base·2^attempt)) (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const delay = backoffDelayMs(attempt, { baseMs: 50, capMs: 1000 }, () => r);
        return delay >= 0 && delay < Math.max(1, Math.min(1000, 50 * 2 ** attempt)) && Number.isInteger(delay);
      }),
    );
  });

  it('never runs more than the limit at once, and settles every item in order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 30 }), fc.integer({ min: 1, max: 6 }), async (fails, limit) => {
        let inFlight = 0;
        let peak = 0;
        const results = await allSettledBounded(fails, limit, async (fail) => {
          peak = Math.max(peak, ++inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight--;
          if (fail) throw new Error('no');
          return 'ok';
        });
        return peak <= limit && results.every((result, i) => result.status === (fails[i] ? 'rejected' : 'fulfilled'));
      }),
    );
  });

  it('mapBounded rethrows the first failure once everything has settled', async () => {
    const finished: number[] = [];
    await expect(
      mapBounded([1, 2, 3], 3, async (n) => {
        await new Promise((resolve) => setTimeout(resolve, n));
        finished.push(n);
        if (n === 1) throw new Error('first');
        return n;
      }),
    ).rejects.toThrow('first');
    expect(finished.sort()).toEqual([1, 2, 3]);
    await expect(mapBounded([1, 2], 1, async (n) => n * 2)).resolves.toEqual([2, 4]);
  });
});

describe('groupBy', () => {
  it('keeps first-seen key order and item order', () => {
    expect(groupBy(['a1', 'b1', 'a2', 'c1', 'b2'], (s) => s[0]!)).toEqual([['a1', 'a2'], ['b1', 'b2'], ['c1']]);
  });
});
