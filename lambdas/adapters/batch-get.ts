import { backoffDelayMs, sleep } from '../domain/batching.ts';

/** Rounds of re-asking for keys DynamoDB handed back unprocessed (throttled partitions). */
const ATTEMPTS = 5;
const BACKOFF = { baseMs: 25, capMs: 500 };

export class UnprocessedKeysError extends Error {
  constructor(readonly unprocessed: number) {
    super(`${unprocessed} keys were still unprocessed after ${ATTEMPTS} batch reads`);
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
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > ATTEMPTS) throw new UnprocessedKeysError(pending.length);
    if (attempt > 1) await sleep(backoffDelayMs(attempt, BACKOFF));
    const { data, unprocessed } = await read(pending);
    found.push(...data);
    pending = unprocessed;
  }
  return found;
}
