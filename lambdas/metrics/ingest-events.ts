import { UnavailableError } from '../domain/errors.ts';
import { type MetricEventInput, toMetricEvents } from '../domain/metrics.ts';
import type { MetricEventLog } from '../ports/metrics.ts';

export interface IngestionPorts {
  events: MetricEventLog;
  now: () => Date;
  newId: () => string;
}

/**
 * POST /events: up to 500 metric events of one caller, stamped with their hour and an id and
 * stored (AP14). The rollups follow from the table's stream, not from here.
 */
export async function ingestMetricEvents(
  request: { userId: string; events: readonly MetricEventInput[] },
  ports: IngestionPorts,
): Promise<{ accepted: number }> {
  const now = ports.now();
  const events = toMetricEvents(request.events, { userId: request.userId, now, newId: ports.newId });
  // Part of the batch may be stored: a retry can repeat those events (ingestion is at-least-once).
  if ((await ports.events.append(events, now)) === 'busy') throw new UnavailableError('The metrics store is busy; retry shortly', 1);
  return { accepted: events.length };
}
