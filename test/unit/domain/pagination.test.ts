import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/domain/errors.ts';
import { beforeFromCursor, cursorBefore, mergeShardPages } from '../../../lambdas/domain/pagination.ts';

/** Reads a sharded listing page by page exactly like listOrdersOfDay does, over in-memory shards. */
function readAll(shards: string[][], limit: number): string[][] {
  const sorted = shards.map((ids) => [...ids].sort().reverse());
  const pages: string[][] = [];
  let before: string | null | undefined;
  do {
    const shardPages = sorted.map((ids) => {
      const below = ids.filter((id) => before === undefined || before === null || id < before);
      return { items: below.slice(0, limit), hasMore: below.length > limit };
    });
    const page = mergeShardPages(shardPages, limit, (id) => id);
    pages.push(page.items);
    before = page.before;
  } while (before !== null && pages.length < 1000);
  return pages;
}

describe('mergeShardPages', () => {
  it('pages through every shard newest first, each item exactly once (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[0-9A-Z]{6}$/), { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 7 }),
        (ids, shardCount, limit) => {
          const shards = Array.from({ length: shardCount }, (_, s) => ids.filter((_, i) => i % shardCount === s));
          const pages = readAll(shards, limit);
          const flat = pages.flat();
          expect(flat).toEqual([...ids].sort().reverse());
          expect(pages.every((page) => page.length <= limit)).toBe(true);
        },
      ),
    );
  });
});

describe('cursors', () => {
  it('round-trips within its listing and is refused by another', () => {
    const cursor = cursorBefore('01ABC', '2026-11-24/')!;
    expect(beforeFromCursor(cursor, '2026-11-24/')).toBe('01ABC');
    expect(() => beforeFromCursor(cursor, '2026-11-25/')).toThrow(ValidationError);
    expect(() => beforeFromCursor('not-a-cursor')).toThrow(ValidationError);
    expect(cursorBefore(null)).toBeNull();
  });
});
