import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
