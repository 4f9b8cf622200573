import { promotionStore } from '../adapters/promotion-store.ts';
import { apiHandler } from '../http/api-handler.ts';
import type { HttpEvent } from '../http/request.ts';
import { getMetricRollups } from './metrics.ts';
import { listOrders } from './orders.ts';
import { type PromotionRoutePorts, putPromotionRoute } from './promotions.ts';

const promotions: PromotionRoutePorts = { promotions: promotionStore, now: () => new Date().toISOString() };

/** Back-office routes; each handler requires the admin group. */
export const handler = apiHandler({
  'GET /admin/orders': listOrders,
  'GET /admin/metrics/{name}': getMetricRollups,
  'PUT /promotions/{code}': (event: HttpEvent) => putPromotionRoute(event, promotions),
});
