import { describe, expect, it } from 'vitest';
import { putPromotionRoute } from '../../../lambdas/admin/promotions.ts';
import { apiHandler } from '../../../lambdas/http/api-handler.ts';
import type { HttpEvent } from '../../../lambdas/http/request.ts';
import { adminClaims, httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';
import { fakePromotions } from '../shop-fakes.ts';

function setup() {
  const promotions = fakePromotions([{ code: 'SAVE10', percentOff: 5, redemptions: 4, updatedAt: 'before' }]);
  const handler = apiHandler({ 'PUT /promotions/{code}': (event: HttpEvent) => putPromotionRoute(event, { promotions: promotions.store, now: () => 'u' }) });
  const put = (body: unknown, claims: Record<string, string> = adminClaims, code = 'SAVE10') =>
    handler(httpEvent({ routeKey: 'PUT /promotions/{code}', pathParameters: { code }, body, claims }), lambdaContext);
  return { promotions: promotions.state, put };
}

describe('PUT /promotions/{code}', () => {
  it('answers the promotion with its terms and redemption count', async () => {
    const result = await setup().put({ percentOff: 15, validUntil: '2026-12-01T01:00:00+01:00', maxRedemptions: 100 });
    expect(result.statusCode).toBe(200);
    expect(parseBody(result)).toEqual({ code: 'SAVE10', percentOff: 15, validUntil: '2026-12-01T00:00:00.000Z', maxRedemptions: 100, redemptions: 4, updatedAt: 'u' });
  });

  it('needs exactly one of percentOff and amountOffCents, in range, and the admin group', async () => {
    const { promotions, put } = setup();
    const bad = [{}, { percentOff: 10, amountOffCents: 100 }, { percentOff: 0 }, { percentOff: 101 }, { amountOffCents: -5 }, { percentOff: 10, validUntil: 'soon' }, { percentOff: 10, maxRedemptions: -1 }, { percentOff: 10, code: 'X' }];
    for (const body of bad) {
      const result = await put(body);
      expect(result.statusCode).toBe(400);
      expect(parseBody(result).error.code).toBe('VALIDATION_FAILED');
    }
    expect((await put({ percentOff: 10 }, { sub: 'customer' })).statusCode).toBe(403);
    expect((await put({ percentOff: 10 }, adminClaims, 'bad code')).statusCode).toBe(400);
    expect(promotions.puts).toHaveLength(0);
  });
});
