import { listUserOrders } from '../adapters/user-orders.ts';
import { beforeFromCursor, cursorBefore } from '../domain/pagination.ts';
import { pageQuerySchema } from '../domain/schemas.ts';
import { caller, type HttpEvent, query } from '../http/request.ts';
import { json } from '../http/respond.ts';

/** GET /me/orders: AP11, the caller's order history newest first. */
export async function getMyOrders(event: HttpEvent) {
  const who = caller(event);
  const page = query(event, pageQuerySchema);
  const before = beforeFromCursor(page.cursor);
  const result = await listUserOrders(who.userId, { limit: page.limit, ...(before ? { before } : {}) });
  return json(200, {
    items: result.items.map(({ orderId, status, totalCents, createdAt }) => ({ orderId, status, totalCents, createdAt })),
    nextCursor: cursorBefore(result.before),
  });
}
