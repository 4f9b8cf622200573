import { describe, expect, it } from 'vitest';
import { UnavailableError, ValidationError } from '../../../lambdas/domain/errors.ts';
import type { MetricEvent } from '../../../lambdas/domain/metrics.ts';
import { ingestMetricEvents, type IngestionPorts } from '../../../lambdas/metrics/ingest-events.ts';

const now = new Date('2026-11-24T10:30:00.000Z');

/** An in-memory event log that stores what it is given, or hands everything back while busy. */
function fakeLog(busy = false) {
  const stored: Array<{ event: MetricEvent; receivedAt: Date }> = [];
  let ids = 0;
  const ports: IngestionPorts = {
    events: {
      append: async (events, receivedAt) => {
        if (busy) return 'busy';
        stored.push(...events.map((event) => ({ event, receivedAt })));
        return 'stored';
      },
    },
    now: () => now,
    newId: () => `E${++ids}`,
  };
  return { ports, stored };
}

describe('ingestMetricEvents', () => {
  it('stores every event of the caller, stamped with server time, hour and id, and counts them', async () => {
    const { ports, stored } = fakeLog();
    const result = await ingestMetricEvents({ userId: 'u1', events: [{ name: 'add_to_cart', value: 1, productId: 'p-1' }, { name: 'page_view', value: 2, at: '2026-11-24T09:59:00Z' }] }, ports);
    expect(result).toEqual({ accepted: 2 });
    expect(stored).toEqual([
      { event: { name: 'add_to_cart', hour: '2026-11-24T10', eventId: 'E1', at: now.toISOString(), value: 1, productId: 'p-1', userId: 'u1' }, receivedAt: now },
      { event: { name: 'page_view', hour: '2026-11-24T09', eventId: 'E2', at: '2026-11-24T09:59:00.000Z', value: 2, userId: 'u1' }, receivedAt: now },
    ]);
  });

  it('refuses events out of the accepted time range and stores none', async () => {
    const { ports, stored } = fakeLog();
    const request = { userId: 'u1', events: [{ name: 'n', value: 1 }, { name: 'n', value: 1, at: '2020-01-01T00:00:00Z' }] };
    await expect(ingestMetricEvents(request, ports)).rejects.toBeInstanceOf(ValidationError);
    await ingestMetricEvents(request, ports).catch((error: ValidationError) => expect(error.details?.map((d) => d.path)).toEqual(['events.1.at']));
    expect(stored).toEqual([]);
  });

  it('is unavailable, retry after a second, while the store is busy', async () => {
    const { ports } = fakeLog(true);
    const failure = await ingestMetricEvents({ userId: 'u1', events: [{ name: 'n', value: 1 }] }, ports).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnavailableError);
    expect(failure).toMatchObject({ retryAfterSeconds: 1, code: 'UNAVAILABLE' });
  });
});
