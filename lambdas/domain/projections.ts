import type { OrderStatus, OrderSummary } from './order-rules.ts';

/** An order as its change reaches the projections (the stream's new image), in domain terms. */
export interface OrderChange {
  orderId: string;
  userId: string;
  status: OrderStatus;
  totalCents: number;
  createdAt: string;
  items: OrderLine[];
}

export interface OrderLine {
  productId: string;
  quantity: number;
  unitPriceCents?: number | undefined;
}

/** What the user's read models (history, recent orders) hold of an order. */
export const summaryOf = (change: OrderChange): OrderSummary => ({
  orderId: change.orderId,
  status: change.status,
  totalCents: change.totalCents,
  createdAt: change.createdAt,
});
