import type { Order, RecordedOrderEvent } from '../domain/order-rules.ts';
import type { OrderReads } from '../ports/orders.ts';

/** Who asks: a customer sees their own orders, an admin every order. */
export interface Reader {
  userId: string;
  isAdmin: boolean;
}

/** Another user's order is indistinguishable from a missing one. */
function visibleTo(reader: Reader, ownerId: string | undefined): boolean {
  return ownerId !== undefined && (reader.isAdmin || ownerId === reader.userId);
}

/** GET /orders/{orderId} (AP9): the order, if the reader may see it. */
export async function readOrder(reader: Reader, orderId: string, ports: Pick<OrderReads, 'getOrder'>): Promise<Order | undefined> {
  const order = await ports.getOrder(orderId);
  return order && visibleTo(reader, order.userId) ? order : undefined;
}

/** GET /orders/{orderId}/events (AP10): the order's events in sequence, if the reader may see the order. */
export async function readOrderEvents(reader: Reader, orderId: string, ports: Pick<OrderReads, 'getOrderEvents'>): Promise<RecordedOrderEvent[] | undefined> {
  const events = await ports.getOrderEvents(orderId);
  return visibleTo(reader, events[0]?.userId) ? events : undefined;
}
