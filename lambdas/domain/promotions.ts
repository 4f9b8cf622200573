/** Promotion rules (SPEC §2, §4): percent or amount off, an expiry, and a redemption cap. */

export interface PromotionTerms {
  percentOff?: number;
  amountOffCents?: number;
  validUntil?: string;
  maxRedemptions?: number;
  redemptions?: number;
}

/** The terms an admin sets; `redemptions` is settlement's to count. */
export type PromotionTermsInput = Omit<PromotionTerms, 'redemptions'>;

/** A promotion as the API shows it and settlement reads it. */
export interface Promotion extends PromotionTerms {
  code: string;
  updatedAt: string;
}

export type DiscountOutcome = { ok: true; discountCents: number } | { ok: false; reason: 'INVALID_PROMOTION' };

/**
 * The discount a promotion gives on a subtotal at `now`: never more than the subtotal, rounded
 * down to whole cents. Expired or exhausted promotions are invalid. The redemption itself is
 * counted atomically at settlement (`redemptions < maxRedemptions` in the same transaction).
 */
export function discountFor(promotion: PromotionTerms | undefined, subtotalCents: number, now: Date): DiscountOutcome {
  if (!promotion) return { ok: false, reason: 'INVALID_PROMOTION' };
  if (promotion.validUntil !== undefined && Date.parse(promotion.validUntil) <= now.getTime()) return { ok: false, reason: 'INVALID_PROMOTION' };
  if (promotion.maxRedemptions !== undefined && (promotion.redemptions ?? 0) >= promotion.maxRedemptions) {
    return { ok: false, reason: 'INVALID_PROMOTION' };
  }
  const raw = promotion.percentOff !== undefined ? Math.floor((subtotalCents * promotion.percentOff) / 100) : (promotion.amountOffCents ?? 0);
  return { ok: true, discountCents: Math.min(subtotalCents, Math.max(0, raw)) };
}
