import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGAIN, backoffDelayMs, retry } from '../../../lambdas/domain/retry.ts';

describe('retry', () => {
  it('backoff stays within [0, min(cap, base·2^attempt)) (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const delay = backoffDelayMs(attempt, { baseMs: 50, capMs: 1000 }, () => r);
        return delay >= 0 && delay < Math.max(1, Math.min(1000, 50 * 2 ** attempt)) && Number.isInteger(delay);
      }),
    );
  });

  it('calls again only while the attempt answers AGAIN, and waits a backoff between calls', async () => {
    const waits: number[] = [];
    const answers = [AGAIN, AGAIN, 'done'] as const;
    const calls: number[] = [];
    const result = await retry({ attempts: 5, baseMs: 10, capMs: 100 }, async (n) => (calls.push(n), answers[n - 1]!), async (ms) => void waits.push(ms));
    expect(result).toBe('done');
    expect(calls).toEqual([1, 2, 3]);
    expect(waits).toHaveLength(2);
    expect(waits.every((ms) => ms >= 0 && ms < 100)).toBe(true);
  });

  it('gives up after the bounded number of attempts and says so with AGAIN', async () => {
    let calls = 0;
    const result = await retry({ attempts: 4, baseMs: 1, capMs: 2 }, async () => (calls++, AGAIN), async () => {});
    expect(result).toBe(AGAIN);
    expect(calls).toBe(4);
  });

  it('does not wait after a final answer (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }), async (attempts, answerAt) => {
        let waits = 0;
        const result = await retry({ attempts, baseMs: 1, capMs: 1 }, async (n) => (n === answerAt ? n : AGAIN), async () => void waits++);
        const answered = answerAt <= attempts;
        return answered ? result === answerAt && waits === answerAt - 1 : result === AGAIN && waits === attempts - 1;
      }),
    );
  });
});
