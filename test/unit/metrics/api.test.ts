import { BatchWriteCommand, type BatchWriteCommandInput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../lambdas/metrics/api.ts';
import { metrics } from '../../../lambdas/observability.ts';
import { httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

const post = (body: unknown) => handler(httpEvent({ routeKey: 'POST /events', body }), lambdaContext);
const events = (n: number, extra: Record<string, unknown> = {}) => Array.from({ length: n }, (_, i) => ({ name: 'page_view', value: i, ...extra }));
type Put = { PutRequest: { Item: Record<string, any> } };
const putsOf = (input: BatchWriteCommandInput) => Object.values(input.RequestItems ?? {}).flat() as Put[];
const writtenItems = () => dynamo.commandCalls(BatchWriteCommand).flatMap((call) => putsOf(call.args[0].input).map((put) => put.PutRequest.Item));

beforeEach(() => {
  dynamo.reset();
  dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('POST /events', () => {
  // What the store writes (requests, items, shards, TTL, resends) is test/unit/adapters/metrics-store.test.ts's.
  it('stores 500 events and answers 202 with the count', async () => {
    const result = await post({ events: events(500) });
    expect(result.statusCode).toBe(202);
    expect(parseBody(result)).toEqual({ accepted: 500 });
    expect(writtenItems().map((item) => item.userId)).toEqual(Array(500).fill('user-1'));
  });

  it('answers 503 with Retry-After when items stay unprocessed through every retry', async () => {
    vi.useFakeTimers();
    dynamo.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => ({ UnprocessedItems: input.RequestItems }));
    const pending = post({ events: events(30) });
    await vi.runAllTimersAsync();
    const result = await pending;
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('1');
    expect(parseBody(result).error.code).toBe('UNAVAILABLE');
  });

  it('answers 503 when DynamoDB throttles the whole request', async () => {
    dynamo.on(BatchWriteCommand).rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    const result = await post({ events: events(3) });
    expect(result.statusCode).toBe(503);
  });

  it.each([
    ['no events', { events: [] }, 'events'],
    ['more than 500', { events: events(501) }, 'events'],
    ['a name that is not an id', { events: [{ name: 'page view' }] }, 'events.0.name'],
    ['a value that is not a number', { events: [{ name: 'n', value: '3' }] }, 'events.0.value'],
    ['a value DynamoDB sums cannot hold', { events: [{ name: 'n', value: 1e-200 }] }, 'events.0.value'],
    ['too many decimals', { events: [{ name: 'n', value: 0.1234567 }] }, 'events.0.value'],
    ['an instant that is not ISO', { events: [{ name: 'n', at: 'yesterday' }] }, 'events.0.at'],
    ['an instant out of bounds', { events: [{ name: 'n' }, { name: 'n', at: '2020-01-01T00:00:00Z' }] }, 'events.1.at'],
    ['a bad product id', { events: [{ name: 'n', productId: 'a/b' }] }, 'events.0.productId'],
    ['an unknown field', { events: [{ name: 'n', extra: 1 }] }, 'events.0'],
  ])('refuses %s with 400 and writes nothing', async (_, body, path) => {
    const result = await post(body);
    expect(result.statusCode).toBe(400);
    expect(parseBody(result).error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it('counts the events it stored in MetricEventsIngested, and none it could not store', async () => {
    const added = vi.spyOn(metrics, 'addMetric');
    const published = vi.spyOn(metrics, 'publishStoredMetrics');
    await post({ events: events(30) });
    expect(added.mock.calls).toEqual([['MetricEventsIngested', 'Count', 30]]);
    expect(published).toHaveBeenCalledTimes(1);

    added.mockClear();
    dynamo.on(BatchWriteCommand).rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    expect((await post({ events: events(3) })).statusCode).toBe(503);
    expect(added).not.toHaveBeenCalled();
  });

  it('needs a caller', async () => {
    const result = await handler(httpEvent({ routeKey: 'POST /events', body: { events: events(1) }, claims: null }), lambdaContext);
    expect(result.statusCode).toBe(401);
  });
});
