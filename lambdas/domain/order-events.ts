/**
 * The order events the platform publishes (SPEC §6 "Events out"), pure: their names, the shape of
 * an event's `detail`, and how a run of events is cut into PutEvents calls without ever putting an
 * order's event before the one it follows. The JSON Schema of each type is a file,
 * contracts/events/<Type>.v1.json, checked against what the code emits in the tests.
 */

/** `source` of every published order event. */
export const ORDER_EVENTS_SOURCE = 'commerce.orders';

/**
 * Every event type an order's log can hold, in the order they can occur. InventoryReserved and
 * PaymentAuthorized are only in the logs of orders confirmed before decision 0012.
 */
export const ORDER_EVENT_TYPES = ['OrderPlaced', 'InventoryReserved', 'PaymentAuthorized', 'OrderConfirmed', 'OrderRejected'] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/** The outcomes a customer is told about. */
export const ORDER_OUTCOME_TYPES = ['OrderConfirmed', 'OrderRejected'] as const satisfies readonly OrderEventType[];
export type OrderOutcomeType = (typeof ORDER_OUTCOME_TYPES)[number];

export function isOrderEventType(type: string): type is OrderEventType {
  return (ORDER_EVENT_TYPES as readonly string[]).includes(type);
}

/** `detail` of a published event: the logged event as it is in the table, without its keys or owner. */
export interface OrderEventDetail {
  orderId: string;
  seq: number;
  at: string;
  data: Record<string, unknown>;
  schemaVersion: number;
}

export interface PublishedOrderEvent {
  /** The `detail-type`. */
  type: string;
  detail: OrderEventDetail;
}

/** EventBridge's limits on one PutEvents call: entries, and bytes of all entries together. */
export const PUT_EVENTS_LIMITS = { entries: 10, bytes: 256 * 1024 } as const;

/**
 * The size EventBridge counts for an entry (its documented formula): the Time (14 bytes when set),
 * and the UTF-8 bytes of Source, DetailType and Detail.
 */
export function entrySize(event: PublishedOrderEvent): number {
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
  return 14 + bytes(ORDER_EVENTS_SOURCE) + bytes(event.type) + bytes(JSON.stringify(event.detail));
}

/**
 * Cuts events, in log order, into PutEvents calls of at most `limits`, never two events of one order
 * in the same call: EventBridge promises no order within a call, so an order's next event goes out
 * only in a later call than the one before it. Events of other orders fill the calls meanwhile.
 */
export function publicationBatches<T extends PublishedOrderEvent>(events: readonly T[], limits: { entries: number; bytes: number } = PUT_EVENTS_LIMITS): T[][] {
  for (const event of events) {
    const size = entrySize(event);
    if (size > limits.bytes) throw new Error(`Event ${event.detail.orderId}#${event.detail.seq} is ${size} bytes, more than one PutEvents call takes`);
  }
  const batches: T[][] = [];
  let remaining = [...events];
  while (remaining.length > 0) {
    const batch: T[] = [];
    const later: T[] = [];
    // Orders with an event in this call, or with one left for a later call: their next events wait too.
    const taken = new Set<string>();
    let bytes = 0;
    for (const event of remaining) {
      const size = entrySize(event);
      const fits = batch.length < limits.entries && bytes + size <= limits.bytes;
      if (fits && !taken.has(event.detail.orderId)) {
        batch.push(event);
        bytes += size;
      } else {
        later.push(event);
      }
      taken.add(event.detail.orderId);
    }
    batches.push(batch);
    remaining = later;
  }
  return batches;
}
