import { describe, expect, it } from 'vitest';
import { Pace } from '../../../lambdas/domain/pace.ts';

/** A clock the test moves: sleeping moves it. */
function fakeClock() {
  const clock = {
    at: 0,
    slept: [] as number[],
    now: () => clock.at,
    sleep: async (ms: number) => {
      clock.slept.push(Math.round(ms));
      clock.at += ms;
    },
  };
  return clock;
}

describe('Pace', () => {
  it('lets a burst start at once, then spreads starts at the rate', async () => {
    const clock = fakeClock();
    const pace = new Pace(10, 3, clock);
    for (let i = 0; i < 3; i++) await pace.take();
    expect(clock.slept).toEqual([]);
    await pace.take();
    await pace.take();
    expect(clock.slept).toEqual([100, 100]);
  });

  it('spreads callers that come together, each waiting for its own turn', async () => {
    // Three at the same instant: the clock does not move between their reservations.
    const sleeps: number[] = [];
    const pace = new Pace(20, 1, { now: () => 0, sleep: async (ms) => void sleeps.push(Math.round(ms)) });
    await Promise.all([pace.take(), pace.take(), pace.take()]);
    expect(sleeps).toEqual([50, 100]);
  });

  it('refills while idle, never beyond the burst', async () => {
    const clock = fakeClock();
    const pace = new Pace(10, 2, clock);
    await pace.take();
    await pace.take();
    clock.at += 60_000;
    for (let i = 0; i < 3; i++) await pace.take();
    expect(clock.slept).toEqual([100]);
  });

  it('refuses a rate or a burst that could never let anything start', () => {
    expect(() => new Pace(0, 1)).toThrow(RangeError);
    expect(() => new Pace(1, 0)).toThrow(RangeError);
  });
});
