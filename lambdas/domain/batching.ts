/**
 * Batched work against the table: fixed-size chunks, a bounded number of requests in flight, and
 * jittered retry delays. Pure (the clock and randomness are the caller's).
 */

/** Consecutive chunks of at most `size` items, in order. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * "Full jitter" exponential backoff: a random delay in [0, min(cap, base·2^attempt)). Randomizing
 * the whole interval keeps writers that were throttled together from retrying together.
 */
export function backoffDelayMs(attempt: number, options: { baseMs: number; capMs: number }, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(options.capMs, options.baseMs * 2 ** attempt));
}

/** Waits `ms`. On the global timer, so tests can drive retries with fake timers. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Like `Promise.allSettled(items.map(work))`, with at most `limit` calls of `work` in flight: a
 * burst of work never turns into a burst of requests. Results keep the order of `items`.
 */
export async function allSettledBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await work(items[index]!) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/** `allSettledBounded`, then the first failure (if any) is thrown: every started call has ended by then. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = await allSettledBounded(items, limit, work);
  return results.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
}
