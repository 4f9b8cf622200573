import type { Promotion, PromotionTermsInput } from '../domain/promotions.ts';

/** What the promotions' use cases need of the store; implemented by adapters/promotion-store.ts. */

/** AP15: one promotion. Settlement reads consistently: a code created a moment ago must be found. */
export interface PromotionLookup {
  promotion(code: string, options?: { consistent?: boolean }): Promise<Promotion | undefined>;
}

/** Creates the code or replaces its terms (absent terms removed), keeping its redemption count. */
export interface PromotionTermsWrites {
  putTerms(code: string, terms: PromotionTermsInput, now: string): Promise<Promotion>;
}

export type PromotionStore = PromotionLookup & PromotionTermsWrites;
