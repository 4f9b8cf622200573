import { ValidationError } from './errors.ts';

/** Opaque page cursors: base64url JSON that clients pass back unchanged. */
export function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, isValid: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('Invalid cursor', [{ path: 'cursor', message: 'not a cursor this API issued' }]);
  }
  if (!isValid(value)) {
    throw new ValidationError('Invalid cursor', [{ path: 'cursor', message: 'not a cursor this API issued' }]);
  }
  return value;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Merges newest-first pages read from every shard of a sharded key into one newest-first page.
 * Each shard was asked for `limit` items below the previous cursor, so the global top `limit` is
 * among them; the cursor is the last id returned, and the next page asks each shard for ids below it.
 */
export function mergeShardPages<T>(
  shardPages: Array<{ items: T[]; hasMore: boolean }>,
  limit: number,
  idOf: (item: T) => string,
): { items: T[]; before: string | null } {
  const merged = shardPages.flatMap((page) => page.items).sort((a, b) => (idOf(a) < idOf(b) ? 1 : idOf(a) > idOf(b) ? -1 : 0));
  const items = merged.slice(0, limit);
  const more = merged.length > limit || shardPages.some((page) => page.hasMore);
  const last = items.at(-1);
  return { items, before: more && last ? idOf(last) : null };
}

interface BeforePosition {
  before: string;
  scope: string;
}
const isBeforePosition = (value: unknown): value is BeforePosition =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { before?: unknown }).before === 'string' &&
  typeof (value as { scope?: unknown }).scope === 'string';

/**
 * Newest-first lists continue below the last id they returned. The scope (the listing's filter)
 * travels in the cursor, so a cursor replayed against another listing is refused, not misread.
 */
export function cursorBefore(before: string | null, scope = ''): string | null {
  return before === null ? null : encodeCursor({ before, scope });
}

export function beforeFromCursor(cursor: string | undefined, scope = ''): string | undefined {
  if (cursor === undefined) return undefined;
  const position = decodeCursor(cursor, isBeforePosition);
  if (position.scope !== scope) {
    throw new ValidationError('Invalid cursor', [{ path: 'cursor', message: 'belongs to another listing' }]);
  }
  return position.before;
}
