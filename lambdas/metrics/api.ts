import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ulid } from 'ulid';
import { putMetricEvents, UnprocessedEventsError } from '../adapters/metrics-store.ts';
import { config } from '../config.ts';
import { UnavailableError } from '../domain/errors.ts';
import { toMetricEvents } from '../domain/metrics.ts';
import { postEventsSchema } from '../domain/schemas.ts';
import { apiHandler } from '../http/api-handler.ts';
import { caller, type HttpEvent, jsonBody } from '../http/request.ts';
import { json } from '../http/respond.ts';
import { metrics } from '../observability.ts';

/**
 * POST /events: up to 500 metric events, each into a random shard of its metric's hour (AP14),
 * with batched writes. 202 once all are stored; the rollups follow from the table's stream.
 */
async function postEvents(event: HttpEvent) {
  const who = caller(event);
  const { events } = jsonBody(event, postEventsSchema);
  const drafts = toMetricEvents(events, {
    userId: who.userId,
    now: new Date(),
    shardCount: config.metricShardCount,
    ttlSeconds: config.metricsTtlSeconds,
    newId: ulid,
  });
  try {
    await putMetricEvents(drafts);
  } catch (error) {
    // Part of the batch may be stored: a retry can repeat those events (ingestion is at-least-once).
    if (error instanceof UnprocessedEventsError) throw new UnavailableError('The metrics store is busy; retry shortly', 1);
    throw error;
  }
  // Only the service dimension: a metric's own name would make one CloudWatch metric per client-chosen name.
  metrics.addMetric('MetricEventsIngested', MetricUnit.Count, drafts.length);
  metrics.publishStoredMetrics();
  return json(202, { accepted: drafts.length });
}

export const handler = apiHandler({
  'POST /events': postEvents,
});
