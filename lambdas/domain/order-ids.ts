import { decodeTime, encodeTime, monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/**
 * One clock read per order: the id is a monotonic ULID and `createdAt` is the instant it encodes, so
 * newest-first by id is newest-first by time, even for orders placed within the same millisecond.
 */
export function newOrderId(now: number = Date.now()): { orderId: string; createdAt: string } {
  const orderId = nextUlid(now);
  return { orderId, createdAt: createdAtOf(orderId) };
}

/** The instant an order id encodes, as the ISO-8601 `createdAt` of the order. */
function createdAtOf(orderId: string): string {
  return new Date(decodeTime(orderId)).toISOString();
}

/** The smallest ULID of an instant: every order created before `instant` sorts below it. */
export function firstIdAt(instant: number): string {
  return `${encodeTime(Math.max(0, Math.floor(instant)), 10)}${'0'.repeat(16)}`;
}
