import type { Promotion } from '../domain/promotions.ts';
import { putPromotionSchema } from '../domain/schemas.ts';
import { type HttpEvent, jsonBody, pathId, requireAdmin } from '../http/request.ts';
import { json } from '../http/respond.ts';
import type { PromotionTermsWrites } from '../ports/promotions.ts';
import { putPromotion } from './put-promotion.ts';

export interface PromotionRoutePorts {
  promotions: PromotionTermsWrites;
  now: () => string;
}

function promotionView(promotion: Promotion) {
  const { code, percentOff, amountOffCents, validUntil, maxRedemptions, redemptions, updatedAt } = promotion;
  return {
    code,
    ...(percentOff !== undefined ? { percentOff } : {}),
    ...(amountOffCents !== undefined ? { amountOffCents } : {}),
    ...(validUntil !== undefined ? { validUntil } : {}),
    ...(maxRedemptions !== undefined ? { maxRedemptions } : {}),
    redemptions: redemptions ?? 0,
    updatedAt,
  };
}

/** PUT /promotions/{code}: creates the code or replaces its terms, keeping its redemption count. */
export async function putPromotionRoute(event: HttpEvent, ports: PromotionRoutePorts) {
  requireAdmin(event);
  const code = pathId(event, 'code');
  const terms = jsonBody(event, putPromotionSchema);
  return json(200, promotionView(await putPromotion({ code, terms }, ports)));
}
