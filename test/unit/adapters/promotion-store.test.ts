import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { promotionStore } from '../../../lambdas/adapters/promotion-store.ts';
import { putPromotion } from '../../../lambdas/admin/put-promotion.ts';

/** The promotion store's UpdateItem, with the SDK mocked, driven by the PUT /promotions/{code} use case. */
const dynamo = mockClient(DynamoDBDocumentClient);
const put = (terms: Record<string, unknown>) => putPromotion({ code: 'SAVE10', terms }, { promotions: promotionStore, now: () => 'u' });

beforeEach(() => {
  dynamo.reset();
  // ALL_NEW: the stored item, with the redemptions that settlements counted before this update.
  dynamo.on(UpdateCommand).resolves({
    Attributes: { __edb_e__: 'promotion', __edb_v__: '1', code: 'SAVE10', percentOff: 15, validUntil: '2026-12-01T00:00:00.000Z', maxRedemptions: 100, redemptions: 4, updatedAt: 'u', schemaVersion: 1 },
  });
});

describe('promotionStore.putTerms', () => {
  it('replaces the terms in one UpdateItem that keeps the redemption count and removes absent terms', async () => {
    const promotion = await put({ percentOff: 15, validUntil: '2026-12-01T01:00:00+01:00', maxRedemptions: 100 });
    const [update] = dynamo.commandCalls(UpdateCommand);
    const input = update!.args[0].input;
    expect(input.Key).toEqual({ pk: '$commerce#code_SAVE10', sk: '$promotion_1' });
    expect(input.UpdateExpression).toContain('#redemptions = if_not_exists(#redemptions, :redemptions_u0)');
    expect(input.UpdateExpression).toMatch(/REMOVE #amountOffCents$/);
    expect(input.ExpressionAttributeValues).toMatchObject({ ':percentOff_u0': 15, ':maxRedemptions_u0': 100, ':validUntil_u0': '2026-12-01T00:00:00.000Z' });
    expect(input.ReturnValues).toBe('ALL_NEW');
    expect(promotion).toEqual({ code: 'SAVE10', percentOff: 15, validUntil: '2026-12-01T00:00:00.000Z', maxRedemptions: 100, redemptions: 4, updatedAt: 'u' });
  });

  it('switching to an amount off drops the percentage, the expiry and the cap', async () => {
    await put({ amountOffCents: 500 });
    const input = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.UpdateExpression).toMatch(/REMOVE #percentOff, #validUntil, #maxRedemptions$/);
  });
});

describe('promotionStore.promotion', () => {
  it('reads a code consistently when settlement asks, so a redemption is judged on the latest count', async () => {
    dynamo.on(GetCommand).resolves({ Item: { __edb_e__: 'promotion', __edb_v__: '1', code: 'SAVE10', percentOff: 10, redemptions: 1, updatedAt: 'u' } });
    expect(await promotionStore.promotion('SAVE10', { consistent: true })).toMatchObject({ code: 'SAVE10', percentOff: 10 });
    const read = dynamo.commandCalls(GetCommand)[0]!.args[0].input;
    expect(read.Key).toEqual({ pk: '$commerce#code_SAVE10', sk: '$promotion_1' });
    expect(read.ConsistentRead).toBe(true);
  });
});
