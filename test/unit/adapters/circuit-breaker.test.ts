import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThrottleBreakers } from '../../../lambdas/adapters/circuit-breaker.ts';
import { isThrottling } from '../../../lambdas/adapters/aws-errors.ts';
import { errorAnswer } from '../../../lambdas/http/errors.ts';
import { UnavailableError } from '../../../lambdas/domain/errors.ts';

const throttled = () => Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ThrottlingException' });
/** How ElectroDB hands SDK errors over: its own error, with the SDK's as the cause. */
const wrapped = (cause: Error) => Object.assign(new Error('Error thrown by DynamoDB client', { cause }), { name: 'ElectroError' });

const options = { maxKeys: 2, resetTimeoutMs: 5_000, volumeThreshold: 3, errorThresholdPercentage: 50, windowMs: 10_000 };

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('isThrottling', () => {
  it('recognises DynamoDB throttling, also wrapped by ElectroDB, and nothing else', () => {
    expect(isThrottling(throttled())).toBe(true);
    expect(isThrottling(Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException' }))).toBe(true);
    expect(isThrottling(wrapped(throttled()))).toBe(true);
    expect(isThrottling(wrapped(Object.assign(new Error('x'), { name: 'ValidationException' })))).toBe(false);
    expect(isThrottling(new Error('boom'))).toBe(false);
    expect(isThrottling('ThrottlingException')).toBe(false);
  });
});

describe('ThrottleBreakers', () => {
  it('opens for a key that keeps throttling: 503 with Retry-After, without calling the read again', async () => {
    const breakers = new ThrottleBreakers(options);
    const read = vi.fn(async () => {
      throw wrapped(throttled());
    });
    for (let i = 0; i < 3; i++) expect(await failure(breakers.run('hot', read))).toBeInstanceOf(UnavailableError);
    expect(read).toHaveBeenCalledTimes(3);

    vi.advanceTimersByTime(1_200);
    const shed = (await failure(breakers.run('hot', read))) as UnavailableError;
    expect(shed).toBeInstanceOf(UnavailableError);
    expect(errorAnswer(shed)?.status).toBe(503);
    expect(errorAnswer(shed)?.headers['retry-after']).toBe('4');
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('keeps other keys open for business', async () => {
    const breakers = new ThrottleBreakers(options);
    for (let i = 0; i < 3; i++) await failure(breakers.run('hot', async () => Promise.reject(throttled())));
    expect(await breakers.run('cold', async () => 'fine')).toBe('fine');
  });

  it('half-opens after the reset timeout: a successful probe closes it, a throttled one reopens it', async () => {
    const breakers = new ThrottleBreakers(options);
    const read = vi.fn(async (): Promise<string> => Promise.reject(throttled()));
    for (let i = 0; i < 3; i++) await failure(breakers.run('hot', read));

    vi.advanceTimersByTime(5_000);
    expect(await failure(breakers.run('hot', read))).toBeInstanceOf(UnavailableError);
    expect(read).toHaveBeenCalledTimes(4);
    await failure(breakers.run('hot', read));
    expect(read).toHaveBeenCalledTimes(4);

    vi.advanceTimersByTime(5_000);
    read.mockResolvedValue('item');
    expect(await breakers.run('hot', read)).toBe('item');
    expect(await breakers.run('hot', read)).toBe('item');
    expect(read).toHaveBeenCalledTimes(6);
  });

  it('lets other errors through as they are, and never opens on them', async () => {
    const breakers = new ThrottleBreakers(options);
    const boom = Object.assign(new Error('bad key'), { name: 'ValidationException' });
    const read = vi.fn(async () => Promise.reject(wrapped(boom)));
    for (let i = 0; i < 10; i++) {
      const error = (await failure(breakers.run('key', read))) as Error;
      expect(error.cause).toBe(boom);
    }
    expect(read).toHaveBeenCalledTimes(10);
  });

  it('keeps a bounded number of breakers, forgetting the least recently used', async () => {
    const breakers = new ThrottleBreakers(options);
    for (let i = 0; i < 3; i++) await failure(breakers.run('hot', async () => Promise.reject(throttled())));
    await breakers.run('b', async () => 'x');
    await breakers.run('c', async () => 'x');
    // 'hot' was evicted with its open breaker: its next read is attempted again.
    expect(await breakers.run('hot', async () => 'back')).toBe('back');
  });
});
