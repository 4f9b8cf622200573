import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { putPromotion } from '../../../lambdas/admin/promotions.ts';
import { apiHandler } from '../../../lambdas/http/api-handler.ts';
import { adminClaims, httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const handler = apiHandler({ 'PUT /promotions/{code}': putPromotion });
const put = (body: unknown, claims: Record<string, string> = adminClaims, code = 'SAVE10') =>
  handler(httpEvent({ routeKey: 'PUT /promotions/{code}', pathParameters: { code }, body, claims }), lambdaContext);

beforeEach(() => {
  dynamo.reset();
  // ALL_NEW: the stored item, with the redemptions that settlements counted before this update.
  dynamo.on(UpdateCommand).resolves({
    Attributes: { __edb_e__: 'promotion', __edb_v__: '1', code: 'SAVE10', percentOff: 15, validUntil: '2026-12-01T00:00:00.000Z', maxRedemptions: 100, redemptions: 4, updatedAt: 'u', schemaVersion: 1 },
  });
});

describe('PUT /promotions/{code}', () => {
  it('replaces the terms in one UpdateItem that keeps the redemption count and removes absent terms', async () => {
    const result = await put({ percentOff: 15, validUntil: '2026-12-01T01:00:00+01:00', maxRedemptions: 100 });
    expect(result.statusCode).toBe(200);
    const [update] = dynamo.commandCalls(UpdateCommand);
    const input = update!.args[0].input;
    expect(input.Key).toEqual({ pk: '$commerce#code_SAVE10', sk: '$promotion_1' });
    expect(input.UpdateExpression).toContain('#redemptions = if_not_exists(#redemptions, :redemptions_u0)');
    expect(input.UpdateExpression).toMatch(/REMOVE #amountOffCents$/);
    expect(input.ExpressionAttributeValues).toMatchObject({ ':percentOff_u0': 15, ':maxRedemptions_u0': 100, ':validUntil_u0': '2026-12-01T00:00:00.000Z' });
    expect(input.ReturnValues).toBe('ALL_NEW');
    expect(parseBody(result)).toEqual({ code: 'SAVE10', percentOff: 15, validUntil: '2026-12-01T00:00:00.000Z', maxRedemptions: 100, redemptions: 4, updatedAt: 'u' });
  });

  it('switching to an amount off drops the percentage, the expiry and the cap', async () => {
    await put({ amountOffCents: 500 });
    const input = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.UpdateExpression).toMatch(/REMOVE #percentOff, #validUntil, #maxRedemptions$/);
  });

  it('needs exactly one of percentOff and amountOffCents, in range, and the admin group', async () => {
    const bad = [{}, { percentOff: 10, amountOffCents: 100 }, { percentOff: 0 }, { percentOff: 101 }, { amountOffCents: -5 }, { percentOff: 10, validUntil: 'soon' }, { percentOff: 10, maxRedemptions: -1 }, { percentOff: 10, code: 'X' }];
    for (const body of bad) {
      const result = await put(body);
      expect(result.statusCode).toBe(400);
      expect(parseBody(result).error.code).toBe('VALIDATION_FAILED');
    }
    expect((await put({ percentOff: 10 }, { sub: 'customer' })).statusCode).toBe(403);
    expect((await put({ percentOff: 10 }, adminClaims, 'bad code')).statusCode).toBe(400);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});
