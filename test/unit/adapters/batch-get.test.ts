import { afterEach, describe, expect, it, vi } from 'vitest';
import { batchGetAll, UnprocessedKeysError } from '../../../lambdas/adapters/batch-get.ts';

afterEach(() => vi.useRealTimers());

describe('batchGetAll', () => {
  it('asks again for the keys DynamoDB handed back unprocessed, and returns every item', async () => {
    vi.useFakeTimers();
    const asked: number[][] = [];
    const read = async (keys: number[]) => {
      asked.push(keys);
      // The first round leaves the odd keys unprocessed, as a throttled partition would.
      return asked.length === 1 ? { data: keys.filter((k) => k % 2 === 0), unprocessed: keys.filter((k) => k % 2 === 1) } : { data: keys, unprocessed: [] };
    };
    const result = batchGetAll([1, 2, 3, 4], read);
    await vi.runAllTimersAsync();
    expect((await result).sort()).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([[1, 2, 3, 4], [1, 3]]);
  });

  it('fails rather than report still-unprocessed keys as missing items', async () => {
    vi.useFakeTimers();
    const result = batchGetAll([1, 2], async (keys) => ({ data: [], unprocessed: keys }));
    const settled = expect(result).rejects.toBeInstanceOf(UnprocessedKeysError);
    await vi.runAllTimersAsync();
    await settled;
  });

  it('makes one request when nothing comes back unprocessed', async () => {
    const read = vi.fn(async (keys: string[]) => ({ data: keys, unprocessed: [] }));
    expect(await batchGetAll(['a'], read)).toEqual(['a']);
    expect(read).toHaveBeenCalledTimes(1);
  });
});
