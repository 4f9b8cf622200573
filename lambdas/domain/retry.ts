/**
 * The one retry loop of the code base, for contention (a lost optimistic race, a transaction
 * conflict) and throttling (items handed back unprocessed): bounded, with jittered backoff. The
 * SDK retries a throttled or failed call by itself (adapters/client-options.ts); this helper
 * retries what the SDK cannot see — an answer that says "not this time".
 */

export interface RetryPolicy {
  /** Calls of the attempt at most, the first included. */
  readonly attempts: number;
  readonly baseMs: number;
  readonly capMs: number;
}

/** What an attempt answers to be called again. */
export const AGAIN: unique symbol = Symbol('again');
export type Again = typeof AGAIN;

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
 * Calls `attempt` (numbered from 1) until it answers something other than AGAIN, at most
 * `policy.attempts` times, waiting a jittered backoff between calls. Answers AGAIN when the last
 * attempt did too: what giving up means (an outcome, an error) is the caller's to say.
 */
export async function retry<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T | Again>,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<T | Again> {
  for (let n = 1; ; n++) {
    const result = await attempt(n);
    if (result !== AGAIN || n >= policy.attempts) return result;
    await wait(backoffDelayMs(n, policy));
  }
}
