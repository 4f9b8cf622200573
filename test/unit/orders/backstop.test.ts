import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../lambdas/orders/backstop.ts';
import { metrics } from '../../../lambdas/observability.ts';
import { lambdaContext } from '../lambda-events.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

/** A PENDING order item as the pending index (gsi3) returns it. */
const pendingItem = (ageMs: number) => {
  const orderId = ulid(Date.now() - ageMs);
  const createdAt = new Date(Date.now() - ageMs).toISOString();
  return {
    __edb_e__: 'order', __edb_v__: '1', pk: `$commerce#orderId_${orderId}`, sk: '$order_1', orderId, userId: 'u', status: 'PENDING',
    items: [{ productId: 'p', quantity: 1 }], eventSeq: 1, day: createdAt.slice(0, 10), shard: 0, createdAt, updatedAt: createdAt, schemaVersion: 1,
  };
};

describe('the backstop handler', () => {
  let published: Array<[string, number]>;
  beforeEach(() => {
    dynamo.reset();
    published = [];
    vi.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
      published.push([name, value]);
      return metrics;
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it('publishes the oldest PENDING order age on every run, 0 when nothing is pending (the alarm counts silence as broken)', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await handler({}, lambdaContext);
    expect(published).toContainEqual(['OldestPendingOrderAgeSeconds', 0]);
  });

  it('publishes the age of a young PENDING order it leaves alone', async () => {
    const young = pendingItem(60_000);
    // The stuck-orders query (sort key below the cutoff) finds nothing; the oldest-order query finds the young one.
    dynamo.on(QueryCommand).callsFake(async (input: { KeyConditionExpression?: string; Limit?: number }) => ({ Items: input.Limit === 1 ? [young] : [] }));
    await handler({}, lambdaContext);
    const age = published.find(([name]) => name === 'OldestPendingOrderAgeSeconds')?.[1];
    expect(age).toBeGreaterThanOrEqual(59);
    expect(age).toBeLessThanOrEqual(62);
    expect(published).toContainEqual(['OrdersRedriven', 0]);
  });
});
