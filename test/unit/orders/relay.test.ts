import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PublishedOrderEvent } from '../../../lambdas/domain/order-events.ts';
import { relayOutbox } from '../../../lambdas/orders/relay.ts';
import type { OutboxRecord, RelayPorts, SettlementRequest } from '../../../lambdas/ports/orders.ts';

const event = (orderId: string, seq: number, position: string): OutboxRecord => ({
  position,
  kind: 'event',
  event: { type: 'OrderPlaced', detail: { orderId, seq, at: '2026-01-01T00:00:00.000Z', data: {}, schemaVersion: 1 } },
});
const copy = { userId: 'u1', items: [{ productId: 'p1', quantity: 1 }], paymentToken: 'tok_ok', eventSeq: 1, createdAt: '2026-01-01T00:00:00.000Z' };
const placed = (orderId: string, position: string, order?: typeof copy): OutboxRecord => ({ position, kind: 'placed', orderId, ...(order ? { order } : {}) });

/** A bus that records each call, and answers with the indexes `refuse` picks. */
function fakePorts(refuse: (batch: readonly PublishedOrderEvent[], call: number) => number[] = () => []) {
  const calls: PublishedOrderEvent[][] = [];
  const queued: string[] = [];
  const requests: SettlementRequest[] = [];
  const ports: RelayPorts = {
    enqueueSettlements: async (batch) => {
      requests.push(...batch);
      queued.push(...batch.map((request) => request.orderId));
      return [];
    },
    publishEvents: async (batch) => {
      calls.push([...batch]);
      return refuse(batch, calls.length);
    },
    warn: () => {},
  };
  return { ports, calls, queued, requests };
}
const ids = (batch: readonly PublishedOrderEvent[]) => batch.map((e) => `${e.detail.orderId}#${e.detail.seq}`);

describe('the outbox relay', () => {
  it('queues placed orders and publishes every event, never two of one order in a call', async () => {
    const { ports, calls, queued } = fakePorts();
    const records = [placed('a', '1'), event('a', 1, '2'), event('b', 2, '3'), event('b', 3, '4'), event('b', 4, '5'), event('c', 1, '6')];
    expect(await relayOutbox(records, ports)).toEqual([]);
    expect(queued).toEqual(['a']);
    expect(calls.map(ids)).toEqual([['a#1', 'b#2', 'c#1'], ['b#3'], ['b#4']]);
  });

  it('answers the refused event and everything published after it, and publishes nothing after the failed call', async () => {
    const { ports, calls } = fakePorts((batch, call) => (call === 1 ? [batch.findIndex((e) => e.detail.orderId === 'b')] : []));
    const records = [event('a', 1, '10'), event('b', 1, '11'), event('b', 2, '12'), event('c', 1, '13')];
    expect(await relayOutbox(records, ports)).toEqual(['11', '12']);
    // a#1 and c#1 went out in the first call; b#2 must not overtake b#1.
    expect(calls.map(ids)).toEqual([['a#1', 'b#1', 'c#1']]);
  });

  it('answers every event from the failed call on when the bus cannot be reached', async () => {
    const { ports } = fakePorts((batch, call) => {
      if (call === 2) throw new Error('connect ECONNREFUSED');
      return [];
    });
    const records = [event('a', 1, '1'), event('a', 2, '2'), event('a', 3, '3')];
    expect(await relayOutbox(records, ports)).toEqual(['2', '3']);
  });

  it('queues each placed order with the copy of the PENDING order its record carries, and by id alone without one', async () => {
    const { ports, requests } = fakePorts();
    expect(await relayOutbox([placed('a', '1', copy), placed('b', '2')], ports)).toEqual([]);
    expect(requests).toEqual([{ orderId: 'a', order: copy }, { orderId: 'b', order: undefined }]);
  });

  it('answers placed orders the queue did not take, in stream order with the events', async () => {
    const { ports } = fakePorts(() => [0]);
    ports.enqueueSettlements = async (requests) => requests.map((request) => request.orderId).filter((id) => id === 'b');
    const records = [placed('a', '1'), placed('b', '2'), event('a', 1, '3')];
    expect(await relayOutbox(records, ports)).toEqual(['2', '3']);
  });

  it('keeps each order in seq order across calls and retries, whatever the bus refuses (property)', async () => {
    const orderIds = ['a', 'b', 'c', 'd'];
    const logs = fc.array(fc.constantFrom(...orderIds), { minLength: 1, maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(logs, fc.infiniteStream(fc.boolean()), async (owners, refusals) => {
        // The stream: each order's events numbered in order, interleaved as `owners` says.
        const next = new Map<string, number>();
        let stream = owners.map((orderId, i) => {
          const seq = (next.get(orderId) ?? 0) + 1;
          next.set(orderId, seq);
          return event(orderId, seq, String(i).padStart(4, '0'));
        });
        const delivered: string[] = [];
        const refuse = refusals[Symbol.iterator]();
        const { ports } = fakePorts((batch) => batch.flatMap((_, i) => (refuse.next().value ? [i] : [])));
        const publish = ports.publishEvents;
        ports.publishEvents = async (batch) => {
          const failed = await publish(batch);
          delivered.push(...batch.filter((_, i) => !failed.includes(i)).map((e) => `${e.detail.orderId}#${e.detail.seq}`));
          return failed;
        };
        // Lambda's retry: from the lowest position answered, the rest of the batch again.
        for (let attempt = 0; stream.length > 0 && attempt < 500; attempt++) {
          const notDone = await relayOutbox(stream, ports);
          if (notDone.length === 0) stream = [];
          else stream = stream.filter((record) => record.position >= notDone[0]!);
        }
        expect(stream).toEqual([]);
        for (const orderId of orderIds) {
          const seqs = delivered.filter((id) => id.startsWith(`${orderId}#`)).map((id) => Number(id.split('#')[1]));
          // At least once: every event arrives; in order: an event never arrives before its predecessor first did.
          expect(new Set(seqs).size).toBe(next.get(orderId) ?? 0);
          seqs.forEach((seq, i) => expect(seq === 1 || seqs.slice(0, i).includes(seq - 1)).toBe(true));
        }
      }),
      { numRuns: 200 },
    );
  });
});
