import { listRollups } from '../adapters/metrics-store.ts';
import { hourStart, rollupRange } from '../domain/metrics.ts';
import { metricRollupsQuerySchema } from '../domain/schemas.ts';
import { type HttpEvent, pathId, query, requireAdmin } from '../http/request.ts';
import { json } from '../http/respond.ts';

/** GET /admin/metrics/{name}?from=&to=: AP13, the hourly rollups of a metric (last 24 h by default). */
export async function getMetricRollups(event: HttpEvent) {
  requireAdmin(event);
  const name = pathId(event, 'name');
  const { fromHour, toHour } = rollupRange(query(event, metricRollupsQuerySchema), new Date());
  const rollups = await listRollups(name, fromHour, toHour);
  return json(200, {
    items: rollups.map(({ hour, count, sum, min, max }) => ({
      hour: hourStart(hour),
      count: count ?? 0,
      sum: sum ?? 0,
      min: min ?? null,
      max: max ?? null,
    })),
  });
}
