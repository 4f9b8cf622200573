import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ulid } from 'ulid';
import { metricEventLog } from '../adapters/metrics-store.ts';
import { postEventsSchema } from '../domain/schemas.ts';
import { apiHandler } from '../http/api-handler.ts';
import { caller, type HttpEvent, jsonBody } from '../http/request.ts';
import { json } from '../http/respond.ts';
import { metrics } from '../observability.ts';
import { ingestMetricEvents } from './ingest-events.ts';

const ports = { events: metricEventLog, now: () => new Date(), newId: ulid };

/** POST /events: 202 once every event is stored. */
async function postEvents(event: HttpEvent) {
  const { userId } = caller(event);
  const { events } = jsonBody(event, postEventsSchema);
  const { accepted } = await ingestMetricEvents({ userId, events }, ports);
  // Only the service dimension: a metric's own name would make one CloudWatch metric per client-chosen name.
  metrics.addMetric('MetricEventsIngested', MetricUnit.Count, accepted);
  metrics.publishStoredMetrics();
  return json(202, { accepted });
}

export const handler = apiHandler({
  'POST /events': postEvents,
});
