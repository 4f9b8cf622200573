import { decodeCursor, encodeCursor } from './pagination.ts';
import { ValidationError } from './errors.ts';

/**
 * Cursors of lists that ascend by id (products of a category): the next page asks for ids after
 * the last one returned. The counterpart of `cursorBefore` in pagination.ts; the scope (the
 * listing's key) travels in the cursor so a cursor replayed against another listing is refused.
 */
interface AfterPosition {
  after: string;
  scope: string;
}
const isAfterPosition = (value: unknown): value is AfterPosition =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { after?: unknown }).after === 'string' &&
  typeof (value as { scope?: unknown }).scope === 'string';

export function cursorAfter(after: string | null, scope: string): string | null {
  return after === null ? null : encodeCursor({ after, scope });
}

export function afterFromCursor(cursor: string | undefined, scope: string): string | undefined {
  if (cursor === undefined) return undefined;
  const position = decodeCursor(cursor, isAfterPosition);
  if (position.scope !== scope) {
    throw new ValidationError('Invalid cursor', [{ path: 'cursor', message: 'belongs to another listing' }]);
  }
  return position.after;
}

/**
 * A page from a read of `limit + 1` items: the extra item only tells that more follow, so the last
 * page carries no cursor (no empty page at the end).
 */
export function ascendingPage<T>(read: T[], limit: number, idOf: (item: T) => string): { items: T[]; after: string | null } {
  const items = read.slice(0, limit);
  const last = items.at(-1);
  return { items, after: read.length > limit && last ? idOf(last) : null };
}
