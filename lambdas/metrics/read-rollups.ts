import { type HourlyRollup, rollupRange } from '../domain/metrics.ts';
import type { RollupReader } from '../ports/metrics.ts';

/**
 * AP13: the hourly rollups of a metric over a range of at most 31 days, the last 24 hours when
 * the range is not given. A range that is reversed, too long or not made of instants is refused.
 */
export async function readMetricRollups(
  name: string,
  range: { from?: string | undefined; to?: string | undefined },
  ports: { rollups: RollupReader; now: () => Date },
): Promise<HourlyRollup[]> {
  const { fromHour, toHour } = rollupRange(range, ports.now());
  return ports.rollups.list(name, fromHour, toHour);
}
