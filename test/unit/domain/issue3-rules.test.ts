import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochSeconds, expiresAt, isLive } from '../../../lambdas/domain/expiry.ts';
import { addToRollup, hourOf, randomShard, type Rollup } from '../../../lambdas/domain/metrics.ts';
import { discountFor } from '../../../lambdas/domain/promotions.ts';

const now = new Date('2026-11-24T10:30:00.000Z');

describe('promotions', () => {
  it('gives percent or amount off, never more than the subtotal', () => {
    expect(discountFor({ percentOff: 10 }, 1999, now)).toEqual({ ok: true, discountCents: 199 });
    expect(discountFor({ amountOffCents: 500 }, 300, now)).toEqual({ ok: true, discountCents: 300 });
    expect(discountFor({ percentOff: 100 }, 1234, now)).toEqual({ ok: true, discountCents: 1234 });
  });

  it('is invalid when missing, expired or exhausted', () => {
    expect(discountFor(undefined, 100, now).ok).toBe(false);
    expect(discountFor({ percentOff: 10, validUntil: '2026-11-24T10:30:00.000Z' }, 100, now).ok).toBe(false);
    expect(discountFor({ percentOff: 10, maxRedemptions: 3, redemptions: 3 }, 100, now).ok).toBe(false);
    expect(discountFor({ percentOff: 10, maxRedemptions: 3, redemptions: 2, validUntil: '2026-12-01T00:00:00Z' }, 100, now).ok).toBe(true);
  });

  it('keeps 0 ≤ discount ≤ subtotal for any terms (property)', () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }), fc.nat(10_000_000), (subtotal, percentOff, amountOffCents) => {
        const outcome = discountFor(percentOff !== undefined ? { percentOff } : { amountOffCents }, subtotal, now);
        return outcome.ok && outcome.discountCents >= 0 && outcome.discountCents <= subtotal && Number.isInteger(outcome.discountCents);
      }),
    );
  });
});

describe('expiry', () => {
  it('serves an item only before its TTL, even if DynamoDB has not deleted it yet', () => {
    const ttl = expiresAt(now, 2);
    expect(ttl).toBe(epochSeconds(now) + 2);
    expect(isLive({ ttl }, now)).toBe(true);
    expect(isLive({ ttl }, new Date(now.getTime() + 2000))).toBe(false);
    expect(isLive({}, now)).toBe(true);
  });
});

describe('metrics', () => {
  it('buckets instants by UTC hour', () => {
    expect(hourOf('2026-11-24T10:59:59.999Z')).toBe('2026-11-24T10');
  });

  it('picks shards within range', () => {
    expect(randomShard(4, () => 0)).toBe(0);
    expect(randomShard(4, () => 0.999999)).toBe(3);
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
