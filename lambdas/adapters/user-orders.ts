import { UserOrder, type UserOrderItem } from '../model/user-order.ts';

/** AP11: the user's order history, newest first — one Query on the user's partition. */
export async function listUserOrders(
  userId: string,
  options: { limit: number; before?: string },
): Promise<{ items: UserOrderItem[]; before: string | null }> {
  const index = UserOrder.query.byUser({ userId });
  const query = options.before ? index.lt({ orderId: options.before }) : index;
  const { data, cursor } = await query.go({ order: 'desc', limit: options.limit });
  const last = data.at(-1);
  return { items: data, before: cursor !== null && last ? last.orderId : null };
}
