import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { membershipChanges, productView } from '../../../lambdas/domain/catalog.ts';

describe('membershipChanges', () => {
  it('rewrites every current category and removes the dropped ones', () => {
    expect(membershipChanges(['a', 'b', 'c'], ['b', 'd'])).toEqual({ put: ['b', 'd'], remove: ['a', 'c'] });
    expect(membershipChanges([], ['a'])).toEqual({ put: ['a'], remove: [] });
    expect(membershipChanges(['a'], [])).toEqual({ put: [], remove: ['a'] });
    expect(membershipChanges(['a'], ['a'])).toEqual({ put: ['a'], remove: [] });
  });

  it('leaves exactly the new categories behind, within one transaction (property)', () => {
    const categories = fc.uniqueArray(fc.constantFrom<string>('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'), { maxLength: 10 });
    fc.assert(
      fc.property(categories, categories, (previous, next) => {
        const { put, remove } = membershipChanges(previous, next);
        const after = new Set(previous.filter((c) => !remove.includes(c)).concat(put));
        expect([...after].sort()).toEqual([...next].sort());
        expect(put.some((c) => remove.includes(c))).toBe(false);
        expect(1 + put.length + remove.length).toBeLessThanOrEqual(100);
      }),
    );
  });
});

describe('productView', () => {
  it('exposes exactly the public fields of the contract', () => {
    const stored = {
      productId: 'p1',
      name: 'Cup',
      description: '',
      priceCents: 100,
      currency: 'USD',
      categories: ['a'],
      attributes: { color: 'red' },
      createdAt: 'x',
      updatedAt: 'y',
      schemaVersion: 1,
    };
    expect(productView(stored)).toEqual({ productId: 'p1', name: 'Cup', description: '', priceCents: 100, currency: 'USD', categories: ['a'], attributes: { color: 'red' } });
  });
});
