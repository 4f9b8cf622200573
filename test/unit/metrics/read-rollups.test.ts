import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/domain/errors.ts';
import { readMetricRollups } from '../../../lambdas/metrics/read-rollups.ts';

const now = new Date('2026-11-24T10:30:00.000Z');

function fakeRollups() {
  const reads: Array<[string, string, string]> = [];
  const ports = {
    rollups: { list: async (name: string, fromHour: string, toHour: string) => (reads.push([name, fromHour, toHour]), [{ hour: toHour, count: 1, sum: 2 }]) },
    now: () => now,
  };
  return { ports, reads };
}

describe('readMetricRollups', () => {
  it('reads the last 24 hours by default, and the hours of a given range otherwise', async () => {
    const { ports, reads } = fakeRollups();
    expect(await readMetricRollups('clicks', {}, ports)).toEqual([{ hour: '2026-11-24T10', count: 1, sum: 2 }]);
    await readMetricRollups('clicks', { from: '2026-11-20T05:10:00Z', to: '2026-11-20T07:00:00Z' }, ports);
    expect(reads).toEqual([
      ['clicks', '2026-11-23T10', '2026-11-24T10'],
      ['clicks', '2026-11-20T05', '2026-11-20T07'],
    ]);
  });

  it('refuses a range that is too long, reversed or not made of instants, and reads nothing', async () => {
    const { ports, reads } = fakeRollups();
    for (const range of [{ from: '2026-01-01T00:00:00Z', to: '2026-02-15T00:00:00Z' }, { from: '2026-11-24T10:00:00Z', to: '2026-11-24T09:00:00Z' }, { from: 'yesterday' }]) {
      await expect(readMetricRollups('clicks', range, ports)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(reads).toEqual([]);
  });
});
