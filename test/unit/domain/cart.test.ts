import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CartLine, cartView, liveLines, MAX_CART_LINES, planCartChange } from '../../../lambdas/domain/cart.ts';
import { ValidationError } from '../../../lambdas/domain/errors.ts';
import { epochSeconds } from '../../../lambdas/domain/expiry.ts';

const now = new Date('2026-11-24T10:00:00.000Z');
const TTL = 3600;
const line = (productId: string, quantity = 1, ttl = epochSeconds(now) + 60): CartLine => ({ productId, quantity, addedAt: '2026-11-24T09:00:00.000Z', ttl });

describe('planCartChange', () => {
  it('adds a line and moves the expiry of every other line with it', () => {
    const plan = planCartChange([line('b')], { productId: 'a', quantity: 2 }, now, TTL);
    const ttl = epochSeconds(now) + TTL;
    expect(plan.write).toEqual({ put: { productId: 'a', quantity: 2, addedAt: now.toISOString(), ttl } });
    expect(plan.touch).toEqual(['b']);
    expect(plan.lines.map((l) => [l.productId, l.ttl])).toEqual([['a', ttl], ['b', ttl]]);
  });

  it('keeps the time a line was first added when its quantity changes', () => {
    const plan = planCartChange([line('a', 1)], { productId: 'a', quantity: 5 }, now, TTL);
    expect(plan.write).toEqual({ put: expect.objectContaining({ quantity: 5, addedAt: '2026-11-24T09:00:00.000Z' }) });
    expect(plan.touch).toEqual([]);
  });

  it('removes a line with quantity 0 and still moves the rest of the cart’s expiry', () => {
    const plan = planCartChange([line('a'), line('b')], { productId: 'a', quantity: 0 }, now, TTL);
    expect(plan.write).toEqual({ remove: 'a' });
    expect(plan.touch).toEqual(['b']);
    expect(plan.lines.map((l) => l.productId)).toEqual(['b']);
  });

  it(`refuses a line beyond ${MAX_CART_LINES} products, but still changes or removes existing ones`, () => {
    const full = Array.from({ length: MAX_CART_LINES }, (_, i) => line(`p${i}`));
    expect(() => planCartChange(full, { productId: 'one-more', quantity: 1 }, now, TTL)).toThrow(ValidationError);
    expect(planCartChange(full, { productId: 'p0', quantity: 3 }, now, TTL).lines).toHaveLength(MAX_CART_LINES);
    expect(planCartChange(full, { productId: 'p0', quantity: 0 }, now, TTL).lines).toHaveLength(MAX_CART_LINES - 1);
  });

  it('keeps a cart of distinct products, at most the maximum, all expiring together (property)', () => {
    const change = fc.record({ productId: fc.constantFrom(...Array.from({ length: 60 }, (_, i) => `p${i}`)), quantity: fc.integer({ min: 0, max: 99 }) });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 200 }), (changes) => {
        let lines: CartLine[] = [];
        for (const [i, next] of changes.entries()) {
          const at = new Date(now.getTime() + i * 1000);
          try {
            lines = planCartChange(liveLines(lines, at), next, at, TTL).lines;
          } catch (error) {
            if (!(error instanceof ValidationError) || lines.length !== MAX_CART_LINES) return false;
          }
        }
        return (
          lines.length <= MAX_CART_LINES &&
          new Set(lines.map((l) => l.productId)).size === lines.length &&
          new Set(lines.map((l) => l.ttl)).size <= 1 &&
          lines.every((l) => l.quantity > 0)
        );
      }),
    );
  });
});

describe('liveLines and cartView', () => {
  it('drops lines past their TTL even though they are still stored', () => {
    const stale = line('old', 1, epochSeconds(now));
    expect(liveLines([line('a'), stale], now).map((l) => l.productId)).toEqual(['a']);
  });

  it('shows the lines and when the cart expires, or null for an empty cart', () => {
    const ttl = epochSeconds(now) + 60;
    expect(cartView([line('a', 2, ttl)])).toEqual({
      items: [{ productId: 'a', quantity: 2, addedAt: '2026-11-24T09:00:00.000Z' }],
      expiresAt: '2026-11-24T10:01:00.000Z',
    });
    expect(cartView([])).toEqual({ items: [], expiresAt: null });
  });
});
