import type { Promotion, PromotionTermsInput } from '../domain/promotions.ts';
import type { PromotionTermsWrites } from '../ports/promotions.ts';

/**
 * Creates the code or replaces its terms, keeping its redemption count. `validUntil` is stored in
 * UTC ISO form whatever offset it was given in: settlement compares it with now as a string.
 */
export async function putPromotion(
  request: { code: string; terms: PromotionTermsInput },
  ports: { promotions: PromotionTermsWrites; now: () => string },
): Promise<Promotion> {
  const { validUntil, ...terms } = request.terms;
  const utc = validUntil !== undefined ? { validUntil: new Date(validUntil).toISOString() } : {};
  return ports.promotions.putTerms(request.code, { ...terms, ...utc }, ports.now());
}
