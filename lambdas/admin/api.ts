import { apiHandler } from '../http/api-handler.ts';
import { getMetricRollups } from './metrics.ts';
import { listOrders } from './orders.ts';
import { putPromotion } from './promotions.ts';

/** Back-office routes; each handler requires the admin group. */
export const handler = apiHandler({
  'GET /admin/orders': listOrders,
  'GET /admin/metrics/{name}': getMetricRollups,
  'PUT /promotions/{code}': putPromotion,
});
