import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricEvent } from '../../../lambdas/domain/metrics.ts';
import { metrics } from '../../../lambdas/observability.ts';
import { httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';

// The handler's port, faked: what the store writes (requests, items, shards, TTL, resends) is
// test/unit/adapters/metrics-store.test.ts's.
const store = vi.hoisted(() => ({ append: vi.fn<(events: readonly MetricEvent[], receivedAt: Date) => Promise<'stored' | 'busy'>>() }));
vi.mock('../../../lambdas/adapters/metrics-store.ts', () => ({ metricEventLog: store }));
const { handler } = await import('../../../lambdas/metrics/api.ts');

const post = (body: unknown) => handler(httpEvent({ routeKey: 'POST /events', body }), lambdaContext);
const events = (n: number, extra: Record<string, unknown> = {}) => Array.from({ length: n }, (_, i) => ({ name: 'page_view', value: i, ...extra }));
const appended = () => store.append.mock.calls.flatMap(([batch]) => batch);
const throttled = () => Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });

beforeEach(() => {
  store.append.mockReset();
  store.append.mockResolvedValue('stored');
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('POST /events', () => {
  it('stores 500 events of the caller in one append and answers 202 with the count', async () => {
    const result = await post({ events: events(500) });
    expect(result.statusCode).toBe(202);
    expect(parseBody(result)).toEqual({ accepted: 500 });
    expect(store.append).toHaveBeenCalledTimes(1);
    expect(appended().map((event) => event.userId)).toEqual(Array(500).fill('user-1'));
  });

  it('answers 503 with Retry-After when the store stays busy', async () => {
    store.append.mockResolvedValue('busy');
    const result = await post({ events: events(30) });
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('1');
    expect(parseBody(result).error.code).toBe('UNAVAILABLE');
  });

  it('answers 503 when DynamoDB throttles the whole request', async () => {
    store.append.mockRejectedValue(throttled());
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
    expect(store.append).not.toHaveBeenCalled();
  });

  it('counts the events it stored in MetricEventsIngested, and none it could not store', async () => {
    const added = vi.spyOn(metrics, 'addMetric');
    const published = vi.spyOn(metrics, 'publishStoredMetrics');
    await post({ events: events(30) });
    expect(added.mock.calls).toEqual([['MetricEventsIngested', 'Count', 30]]);
    expect(published).toHaveBeenCalledTimes(1);

    added.mockClear();
    store.append.mockRejectedValue(throttled());
    expect((await post({ events: events(3) })).statusCode).toBe(503);
    expect(added).not.toHaveBeenCalled();
  });

  it('needs a caller', async () => {
    const result = await handler(httpEvent({ routeKey: 'POST /events', body: { events: events(1) }, claims: null }), lambdaContext);
    expect(result.statusCode).toBe(401);
  });
});
