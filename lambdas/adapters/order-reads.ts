import { Order, type OrderItem } from '../model/order.ts';
import { OrderEvent, type OrderEventItem } from '../model/order-event.ts';

/** AP9: the order with its lines — one GetItem. */
export async function getOrder(orderId: string, options: { consistent?: boolean } = {}): Promise<OrderItem | undefined> {
  const { data } = await Order.get({ orderId }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}

/** AP10: the order's events in sequence — one Query. */
export async function getOrderEvents(orderId: string): Promise<OrderEventItem[]> {
  const { data } = await OrderEvent.query.byOrder({ orderId }).go({ pages: 'all' });
  return data;
}
