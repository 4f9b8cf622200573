import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { etagOf, isNotModified } from '../../../lambdas/http/etag.ts';

describe('etagOf', () => {
  it('is a strong, quoted tag that only equal bodies share', () => {
    const tag = etagOf('{"a":1}');
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(etagOf('{"a":1}')).toBe(tag);
    expect(etagOf('{"a":2}')).not.toBe(tag);
    expect(etagOf('{"a":1} ')).not.toBe(tag);
  });

  it('maps distinct bodies to distinct tags (property)', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => a === b || etagOf(a) !== etagOf(b)));
  });
});

describe('isNotModified (If-None-Match)', () => {
  const tag = etagOf('body');

  it('matches the current tag, alone, weak or in a list', () => {
    expect(isNotModified(tag, tag)).toBe(true);
    expect(isNotModified(`W/${tag}`, tag)).toBe(true);
    expect(isNotModified(`"old", ${tag}`, tag)).toBe(true);
    expect(isNotModified('*', tag)).toBe(true);
  });

  it('does not match without the header, another tag, or the tag unquoted', () => {
    expect(isNotModified(undefined, tag)).toBe(false);
    expect(isNotModified('', tag)).toBe(false);
    expect(isNotModified(etagOf('other'), tag)).toBe(false);
    expect(isNotModified(tag.slice(1, -1), tag)).toBe(false);
  });
});
