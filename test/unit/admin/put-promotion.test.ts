import { describe, expect, it } from 'vitest';
import { putPromotion } from '../../../lambdas/admin/put-promotion.ts';
import { fakePromotions } from '../shop-fakes.ts';

describe('putPromotion', () => {
  it('stores validUntil in UTC ISO form, whatever offset it was given in', async () => {
    const { state, store } = fakePromotions();
    await putPromotion({ code: 'SAVE10', terms: { percentOff: 15, validUntil: '2026-12-01T01:00:00+01:00' } }, { promotions: store, now: () => 'u' });
    expect(state.puts).toEqual([['SAVE10', { percentOff: 15, validUntil: '2026-12-01T00:00:00.000Z' }, 'u']]);
  });

  it('keeps the redemption count settlements made', async () => {
    const { store } = fakePromotions([{ code: 'SAVE10', percentOff: 10, redemptions: 4, updatedAt: 'before' }]);
    expect(await putPromotion({ code: 'SAVE10', terms: { amountOffCents: 500 } }, { promotions: store, now: () => 'u' })).toEqual({
      code: 'SAVE10',
      amountOffCents: 500,
      redemptions: 4,
      updatedAt: 'u',
    });
  });
});
