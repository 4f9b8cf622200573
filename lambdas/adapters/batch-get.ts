import { AGAIN, retry } from '../domain/retry.ts';

/** Rounds of re-asking for keys DynamoDB handed back unprocessed (throttled partitions). */
const UNPROCESSED_KEYS = { attempts: 5, baseMs: 25, capMs: 500 };

export class UnprocessedKeysError extends Error {
  constructor(readonly unprocessed: number) {
    super(`${unprocessed} keys were still unprocessed after ${UNPROCESSED_KEYS.attempts} batch reads`);
    this.name = 'UnprocessedKeysError';
  }
}

/**
 * Reads every key of a BatchGetItem. DynamoDB may hand some keys back unprocessed; silently
 * dropping them would read as "no such item" (an existing product taken for unknown), so they
 * are asked for again with backoff, and failing that the read fails instead of lying.
 */
export async function batchGetAll<K, T>(keys: K[], read: (keys: K[]) => Promise<{ data: T[]; unprocessed: K[] }>): Promise<T[]> {
  const found: T[] = [];
  let pending = keys;
  if (pending.length === 0) return found;
  const done = await retry(UNPROCESSED_KEYS, async () => {
    const { data, unprocessed } = await read(pending);
    found.push(...data);
    pending = unprocessed;
    return pending.length === 0 ? found : AGAIN;
  });
  if (done === AGAIN) throw new UnprocessedKeysError(pending.length);
  return done;
}
