import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxBusyError } from './errors.ts';

const CHECK_INTERVAL_MS = 100;
const DEFAULT_TIMEOUT_MS = 30_000;

/** What the idle check asks of the running parts; each answer names what is still busy. */
interface ActivitySources {
  /** Invocations running, TTL sweeps running, consumed queues with messages. */
  busyNow(): string[];
  /** Stream mappings that have not read their stream to its end with a poll started at or after `time`. */
  unsettledStreams(time: number): string[];
  /** When work that may have written to a table last ended (an invocation, a sweep). */
  lastActivityAt(): number;
  /** Asks pollers to poll at once rather than at their next interval. */
  nudge(): void;
}

/**
 * Resolves once nothing is left to do: no invocation in flight, every consumed queue empty (nothing
 * visible, in flight or delayed), every stream read to its end since the last write could have
 * happened — two checks in a row, 100 ms apart. Rejects with SandboxBusyError naming what is busy.
 */
export async function waitUntilIdle(sources: ActivitySources, options: { timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const startedAt = Date.now();
  let quietChecks = 0;
  for (;;) {
    sources.nudge();
    // Writes made before this wait began, or by work that ended since, must have reached the pollers.
    const since = Math.max(startedAt, sources.lastActivityAt());
    const busy = [...sources.busyNow(), ...sources.unsettledStreams(since).map((mapping) => `stream of ${mapping} not read to its end`)];
    quietChecks = busy.length === 0 ? quietChecks + 1 : 0;
    if (quietChecks >= 2) return;
    if (busy.length > 0 && Date.now() - startedAt >= timeoutMs) throw new SandboxBusyError(busy, timeoutMs);
    await sleep(CHECK_INTERVAL_MS);
  }
}
