import type { PromotionTerms } from '../domain/promotions.ts';
import { Promotion, type PromotionItem } from '../model/promotion.ts';

export type PromotionTermsInput = Omit<PromotionTerms, 'redemptions'>;

const TERMS = ['percentOff', 'amountOffCents', 'validUntil', 'maxRedemptions'] as const;

/** AP15: one GetItem. Settlement reads consistently: a code created a moment ago must be found. */
export async function getPromotion(code: string, options: { consistent?: boolean } = {}): Promise<PromotionItem | undefined> {
  const { data } = await Promotion.get({ code }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}

/**
 * Creates a promotion or replaces its terms (absent terms are removed) in one UpdateItem, never
 * touching `redemptions` once it exists: settlements increment it concurrently, and a
 * read-then-put here would lose their increments.
 */
export async function putPromotionTerms(code: string, terms: PromotionTermsInput, now: string): Promise<PromotionItem> {
  const absent = TERMS.filter((name) => terms[name] === undefined);
  const { data } = await Promotion.update({ code })
    .ifNotExists({ redemptions: 0 })
    .set({ ...terms, schemaVersion: 1, updatedAt: now })
    .remove([...absent])
    .go({ response: 'all_new' });
  // ALL_NEW is the whole stored item; ElectroDB types every update response as partial.
  return data as PromotionItem;
}
