import { rollupReader } from '../adapters/metric-reads.ts';
import { hourStart } from '../domain/metrics.ts';
import { metricRollupsQuerySchema } from '../domain/schemas.ts';
import { type HttpEvent, pathId, query, requireAdmin } from '../http/request.ts';
import { json } from '../http/respond.ts';
import { readMetricRollups } from '../metrics/read-rollups.ts';

const ports = { rollups: rollupReader, now: () => new Date() };

/** GET /admin/metrics/{name}?from=&to=: AP13, the hourly rollups of a metric (last 24 h by default). */
export async function getMetricRollups(event: HttpEvent) {
  requireAdmin(event);
  const name = pathId(event, 'name');
  const rollups = await readMetricRollups(name, query(event, metricRollupsQuerySchema), ports);
  return json(200, {
    items: rollups.map(({ hour, count, sum, min, max }) => ({ hour: hourStart(hour), count, sum, min: min ?? null, max: max ?? null })),
  });
}
