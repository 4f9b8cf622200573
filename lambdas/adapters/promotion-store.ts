import type { Promotion, PromotionTermsInput } from '../domain/promotions.ts';
import { Promotion as PromotionEntity, type PromotionItem } from '../model/promotion.ts';
import type { PromotionStore } from '../ports/promotions.ts';

const TERMS = ['percentOff', 'amountOffCents', 'validUntil', 'maxRedemptions'] as const;

function toPromotion(item: PromotionItem): Promotion {
  const { code, percentOff, amountOffCents, validUntil, maxRedemptions, redemptions, updatedAt } = item;
  return {
    code,
    ...(percentOff !== undefined ? { percentOff } : {}),
    ...(amountOffCents !== undefined ? { amountOffCents } : {}),
    ...(validUntil !== undefined ? { validUntil } : {}),
    ...(maxRedemptions !== undefined ? { maxRedemptions } : {}),
    // Items from before the count existed have none: nothing was redeemed yet.
    redemptions: redemptions ?? 0,
    updatedAt,
  };
}

/** AP15: one GetItem. Settlement reads consistently: a code created a moment ago must be found. */
export async function getPromotion(code: string, options: { consistent?: boolean } = {}): Promise<Promotion | undefined> {
  const { data } = await PromotionEntity.get({ code }).go({ consistent: options.consistent ?? false });
  return data ? toPromotion(data) : undefined;
}

/**
 * Creates a promotion or replaces its terms (absent terms are removed) in one UpdateItem, never
 * touching `redemptions` once it exists: settlements increment it concurrently, and a
 * read-then-put here would lose their increments.
 */
export async function putPromotionTerms(code: string, terms: PromotionTermsInput, now: string): Promise<Promotion> {
  const absent = TERMS.filter((name) => terms[name] === undefined);
  const { data } = await PromotionEntity.update({ code })
    .ifNotExists({ redemptions: 0 })
    .set({ ...terms, schemaVersion: 1, updatedAt: now })
    .remove([...absent])
    .go({ response: 'all_new' });
  // ALL_NEW is the whole stored item; ElectroDB types every update response as partial.
  return toPromotion(data as PromotionItem);
}

export const promotionStore: PromotionStore = { promotion: getPromotion, putTerms: putPromotionTerms };
