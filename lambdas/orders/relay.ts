import { publicationBatches, type PublishedOrderEvent } from '../domain/order-events.ts';
import type { OutboxRecord, RelayPorts } from '../ports/orders.ts';

/**
 * The transactional outbox (decisions 0004 and 0009): every committed PENDING order becomes a
 * settlement request, and every appended order event is published, at least once and in order per
 * order. Resolves with the positions of the records not done, in stream order: the stream retries
 * from the first of them, so everything after it comes again (duplicates, never gaps or reordering).
 * Publishing therefore stops at the first call the bus did not fully take.
 */
export async function relayOutbox(records: readonly OutboxRecord[], ports: RelayPorts): Promise<string[]> {
  const placed = records.filter((record) => record.kind === 'placed');
  const events = records.filter((record) => record.kind === 'event');
  const [unqueued, unpublished] = await Promise.all([queueSettlements(placed, ports), publishInOrder(events, ports)]);
  const notDone = new Set([...unqueued, ...unpublished]);
  return records.filter((record) => notDone.has(record.position)).map((record) => record.position);
}

async function queueSettlements(placed: ReadonlyArray<OutboxRecord & { kind: 'placed' }>, ports: RelayPorts): Promise<string[]> {
  if (placed.length === 0) return [];
  try {
    const failed = new Set(await ports.enqueueSettlements(placed.map(({ orderId, order }) => ({ orderId, order }))));
    return placed.filter((record) => failed.has(record.orderId)).map((record) => record.position);
  } catch (error) {
    ports.warn('could not queue placed orders; the stream retries them', { count: placed.length, error });
    return placed.map((record) => record.position);
  }
}

async function publishInOrder(records: ReadonlyArray<OutboxRecord & { kind: 'event' }>, ports: RelayPorts): Promise<string[]> {
  const positions = new Map(records.map((record) => [record.event, record.position]));
  const batches = publicationBatches(records.map((record) => record.event));
  for (const [index, batch] of batches.entries()) {
    let failed: number[];
    try {
      failed = await ports.publishEvents(batch);
    } catch (error) {
      ports.warn('could not publish order events; the stream retries them', { count: batch.length, error });
      failed = batch.map((_, i) => i);
    }
    if (failed.length === 0) continue;
    if (failed.length < batch.length) ports.warn('the event bus did not take every event; the stream retries them', { failed: failed.length });
    // Nothing after a failed call goes out now: an order's later event would overtake the failed one.
    const notDone = [...failed.map((i) => batch[i]!), ...batches.slice(index + 1).flat()];
    return notDone.map((event) => positions.get(event)!);
  }
  return [];
}
