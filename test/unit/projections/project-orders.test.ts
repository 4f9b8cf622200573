import { marshall } from '@aws-sdk/util-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { metrics } from '../../../lambdas/observability.ts';
import { handler } from '../../../lambdas/projections/project-orders.ts';
import { lambdaContext } from '../lambda-events.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

const order = (status: string) => ({
  __edb_e__: 'order', __edb_v__: '1', pk: '$commerce#orderId_01A', sk: '$order_1',
  orderId: '01A', userId: 'u1', status, items: [{ productId: 'p', quantity: 1 }], totalCents: 900,
  eventSeq: 4, day: '2026-11-24', shard: 0, createdAt: '2026-11-24T00:00:00.000Z', updatedAt: 'u',
});
const streamEvent = (status: string, changedAt?: number): DynamoDBStreamEvent => ({
  Records: [{
    eventID: '1', eventName: 'MODIFY', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1',
    dynamodb: { SequenceNumber: '100', ...(changedAt === undefined ? {} : { ApproximateCreationDateTime: changedAt }), NewImage: marshall(order(status)) as never, OldImage: marshall(order('PENDING')) as never, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  }],
});
const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
const statsItem = (recentOrders: unknown[], version: number) => ({
  __edb_e__: 'userStats', __edb_v__: '1', pk: '$commerce#userId_u1', sk: '$account#userStats_1', userId: 'u1', orderCount: 1, lifetimeValueCents: 900, recentOrders, version,
});

beforeEach(() => {
  dynamo.reset();
  // Product sales of the order's lines, read by the sales projection: none counted yet.
  dynamo.on(BatchGetCommand).resolves({ Responses: {}, UnprocessedKeys: {} });
});

describe('order projector', () => {
  // The projection's rules are test/unit/projections/project-order.test.ts's; the requests, the adapter tests'.
  it('projects a confirmed order into history, stats, recent orders and sales, and reports nothing', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(GetCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    const result = await handler(streamEvent('CONFIRMED'), lambdaContext);
    expect(result.batchItemFailures).toEqual([]);
    // One transaction: the history entry (the guard), the stats with the recent orders, the product's sales.
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    const [confirmation] = dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems!);
    expect(confirmation!.map((item) => item.Put?.Item?.pk ?? item.Update?.Key?.pk)).toEqual(['$commerce#userId_u1', '$commerce#userId_u1', '$commerce#productId_p']);
    expect(confirmation![1]!.Update!.ExpressionAttributeValues).toMatchObject({
      ':recentOrders_u0': [{ orderId: '01A', status: 'CONFIRMED', totalCents: 900, createdAt: '2026-11-24T00:00:00.000Z' }],
    });
    // The product has no units yet (BatchGet finds none): the empty board stays as it is.
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('ignores records that are not orders, and removals', async () => {
    const notAnOrder: DynamoDBStreamEvent = { Records: [{ ...streamEvent('PENDING').Records[0]!, dynamodb: { SequenceNumber: '101', NewImage: marshall(statsItem([], 1)) as never } }] };
    const removal: DynamoDBStreamEvent = { Records: [{ ...streamEvent('PENDING').Records[0]!, eventName: 'REMOVE' }] };
    expect((await handler(notAnOrder, lambdaContext)).batchItemFailures).toEqual([]);
    expect((await handler(removal, lambdaContext)).batchItemFailures).toEqual([]);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('changes nothing when the same record is delivered again', async () => {
    // What DynamoDB answers on a replay: history already final, order already counted, already embedded.
    dynamo.on(PutCommand).rejects(conditionFailed());
    dynamo.on(TransactWriteCommand).rejects(
      Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] }),
    );
    dynamo.on(GetCommand).resolves({ Item: statsItem([{ orderId: '01A', status: 'CONFIRMED', totalCents: 900, createdAt: '2026-11-24T00:00:00.000Z' }], 1) });
    dynamo.on(UpdateCommand).resolves({});
    const result = await handler(streamEvent('CONFIRMED'), lambdaContext);
    expect(result.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('retries the recent-orders write when another writer bumped the version, and reports real failures', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(GetCommand).resolves({ Item: statsItem([], 3) });
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({});
    expect((await handler(streamEvent('PENDING'), lambdaContext)).batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(2);

    dynamo.reset();
    dynamo.on(PutCommand).rejects(new Error('table unavailable'));
    await expect(handler(streamEvent('PENDING'), lambdaContext)).rejects.toThrow(/All records failed/);
  });

  describe('ProjectionLag', () => {
    afterEach(() => vi.restoreAllMocks());

    it('reports, once the read models are written, how long after the change in the table that was', async () => {
      vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-24T00:00:02.500Z'));
      const added = vi.spyOn(metrics, 'addMetric');
      const published = vi.spyOn(metrics, 'publishStoredMetrics');
      dynamo.on(PutCommand).resolves({});
      dynamo.on(GetCommand).resolves({});
      dynamo.on(UpdateCommand).resolves({});
      await handler(streamEvent('PENDING', Date.parse('2026-11-24T00:00:00.000Z') / 1000), lambdaContext);
      expect(added.mock.calls).toEqual([['ProjectionLag', 'Milliseconds', 2500]]);
      expect(published).toHaveBeenCalledTimes(1);
    });

    it('reports nothing for a record that failed to project', async () => {
      const added = vi.spyOn(metrics, 'addMetric');
      dynamo.on(PutCommand).rejects(new Error('table unavailable'));
      await expect(handler(streamEvent('PENDING', Date.now() / 1000), lambdaContext)).rejects.toThrow(/All records failed/);
      expect(added).not.toHaveBeenCalled();
    });
  });
});
