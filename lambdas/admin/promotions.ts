import { putPromotionTerms } from '../adapters/promotion-store.ts';
import { putPromotionSchema } from '../domain/schemas.ts';
import { type HttpEvent, jsonBody, pathId, requireAdmin } from '../http/request.ts';
import { json } from '../http/respond.ts';
import type { PromotionItem } from '../model/promotion.ts';

function promotionView(promotion: PromotionItem) {
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

/**
 * PUT /promotions/{code}: creates the code or replaces its terms, keeping its redemption count.
 * `validUntil` is stored in UTC ISO form: settlement compares it with now as a string.
 */
export async function putPromotion(event: HttpEvent) {
  requireAdmin(event);
  const code = pathId(event, 'code');
  const { validUntil, ...terms } = jsonBody(event, putPromotionSchema);
  const promotion = await putPromotionTerms(
    code,
    { ...terms, ...(validUntil !== undefined ? { validUntil: new Date(validUntil).toISOString() } : {}) },
    new Date().toISOString(),
  );
  return json(200, promotionView(promotion));
}
