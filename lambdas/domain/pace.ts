import { sleep } from './retry.ts';

/**
 * A token bucket: on average at most `perSecond` starts a second, `burst` of them at once after a
 * quiet spell. Each caller reserves its start and waits until the bucket has refilled to it, so
 * callers that come together are spread out evenly, in the order they came.
 */
export class Pace {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: { now(): number; sleep(ms: number): Promise<void> } = { now: () => Date.now(), sleep },
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new RangeError(`a pace needs perSecond > 0 and burst ≥ 1, got ${perSecond} and ${burst}`);
    this.tokens = burst;
    this.refilledAt = clock.now();
  }

  /** Resolves when the caller may start: at once while tokens are left. */
  async take(): Promise<void> {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond) - 1;
    this.refilledAt = now;
    if (this.tokens < 0) await this.clock.sleep((-this.tokens / this.perSecond) * 1000);
  }
}
