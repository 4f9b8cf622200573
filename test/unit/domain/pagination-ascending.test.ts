import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/domain/errors.ts';
import { cursorBefore } from '../../../lambdas/domain/pagination.ts';
import { afterFromCursor, ascendingPage, cursorAfter } from '../../../lambdas/domain/pagination-ascending.ts';

/** Reads ids page by page exactly like listCategoryProducts: `limit + 1` ids after the cursor. */
function readAll(ids: string[], limit: number): string[][] {
  const sorted = [...ids].sort();
  const pages: string[][] = [];
  let cursor: string | null | undefined;
  do {
    const after = afterFromCursor(cursor ?? undefined, 'scope');
    const read = sorted.filter((id) => after === undefined || id > after).slice(0, limit + 1);
    const page = ascendingPage(read, limit, (id) => id);
    pages.push(page.items);
    cursor = cursorAfter(page.after, 'scope');
  } while (cursor !== null && pages.length < 1000);
  return pages;
}

describe('ascending pages', () => {
  it('visit every id once, in order, with no empty last page (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/), { maxLength: 50 }), fc.integer({ min: 1, max: 7 }), (ids, limit) => {
        const pages = readAll(ids, limit);
        expect(pages.flat()).toEqual([...ids].sort());
        expect(pages.every((page) => page.length <= limit)).toBe(true);
        if (ids.length > 0) expect(pages.at(-1)!.length).toBeGreaterThan(0);
        expect(pages.length).toBe(Math.max(1, Math.ceil(ids.length / limit)));
      }),
    );
  });

  it('refuse a cursor of another listing or of a newest-first listing', () => {
    const cursor = cursorAfter('p1', 'garden')!;
    expect(afterFromCursor(cursor, 'garden')).toBe('p1');
    expect(() => afterFromCursor(cursor, 'kitchen')).toThrow(ValidationError);
    expect(() => afterFromCursor(cursorBefore('p1', 'garden')!, 'garden')).toThrow(ValidationError);
    expect(() => afterFromCursor('not-a-cursor', 'garden')).toThrow(ValidationError);
  });
});
