import { putPromotionSchema } from '../domain/schemas.ts';
import { type HttpEvent, jsonBody, pathId, requireAdmin } from '../http/request.ts';
import { json } from '../http/respond.ts';
import type { PromotionTermsWrites } from '../ports/promotions.ts';
import { putPromotion } from './put-promotion.ts';

export interface PromotionRoutePorts {
  promotions: PromotionTermsWrites;
  now: () => string;
}

/** PUT /promotions/{code}: creates the code or replaces its terms, keeping its redemption count. */
export async function putPromotionRoute(event: HttpEvent, ports: PromotionRoutePorts) {
  requireAdmin(event);
  const code = pathId(event, 'code');
  const terms = jsonBody(event, putPromotionSchema);
  // The store answers the contract's Promotion: the terms set, the redemption count, updatedAt.
  return json(200, await putPromotion({ code, terms }, ports));
}
