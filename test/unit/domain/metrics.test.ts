import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/domain/errors.ts';
import {
  addToRollup,
  archiveObjects,
  decimalSum,
  type ExpiredEvent,
  groupBy,
  hourOf,
  randomShard,
  type Rollup,
  rollupExpiry,
  rollupRange,
  toMetricEvents,
} from '../../../lambdas/domain/metrics.ts';

const now = new Date('2026-11-24T10:30:00.000Z');
const context = { userId: 'u1', now, newId: () => 'E1' };

describe('toMetricEvents', () => {
  // The shard and the TTL are the store's: test/unit/adapters/metrics-store.test.ts.
  it('stamps server time, the hour bucket, the id and the caller', () => {
    const [event] = toMetricEvents([{ name: 'page_view', value: 2.5, productId: 'p1' }], context);
    expect(event).toEqual({
      name: 'page_view', hour: '2026-11-24T10', eventId: 'E1', at: '2026-11-24T10:30:00.000Z',
      value: 2.5, productId: 'p1', userId: 'u1',
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

  it('puts every event in its own hour (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -7 * 86_400_000, max: 300_000 }), { minLength: 1, maxLength: 50 }), (offsets) => {
        const inputs = offsets.map((offset) => ({ name: 'n', value: 1, at: new Date(now.getTime() + offset).toISOString() }));
        return toMetricEvents(inputs, context).every((event, i) => event.hour === hourOf(inputs[i]!.at));
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

describe('groupBy', () => {
  it('keeps first-seen key order and item order', () => {
    expect(groupBy(['a1', 'b1', 'a2', 'c1', 'b2'], (s) => s[0]!)).toEqual([['a1', 'a2'], ['b1', 'b2'], ['c1']]);
  });
});

describe('hour buckets, shards and rollups', () => {
  it('buckets instants by UTC hour', () => {
    expect(hourOf('2026-11-24T10:59:59.999Z')).toBe('2026-11-24T10');
  });

  it('picks shards within range', () => {
    expect(randomShard(4, () => 0)).toBe(0);
    expect(randomShard(4, () => 0.999999)).toBe(3);
    expect(randomShard(8, () => 0.5)).toBe(4);
  });

  it('picks a valid shard whatever the count (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), (shardCount) => {
        const shard = randomShard(shardCount);
        return shard >= 0 && shard < shardCount && Number.isInteger(shard);
      }),
    );
  });

  it('rolls up any sequence to its count, sum, min and max (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 200 }), (values) => {
        const rollup = values.reduce<Rollup | undefined>((r, v) => addToRollup(r, v), undefined)!;
        return (
          rollup.count === values.length &&
          rollup.sum === values.reduce((a, b) => a + b, 0) &&
          rollup.min === Math.min(...values) &&
          rollup.max === Math.max(...values)
        );
      }),
    );
  });
});
