import { listOrdersOfDay } from '../adapters/order-reads.ts';
import { beforeFromCursor, cursorBefore } from '../domain/pagination.ts';
import { adminOrdersQuerySchema } from '../domain/schemas.ts';
import { type HttpEvent, query, requireAdmin } from '../http/request.ts';
import { json } from '../http/respond.ts';

/** GET /admin/orders?date=&status=: AP12, scatter-gather over every shard of the day. */
export async function listOrders(event: HttpEvent) {
  requireAdmin(event);
  const { date, status, limit, cursor } = query(event, adminOrdersQuerySchema);
  const scope = `${date}/${status ?? ''}`;
  const before = beforeFromCursor(cursor, scope);
  const page = await listOrdersOfDay(date, { limit, ...(status ? { status } : {}), ...(before ? { before } : {}) });
  return json(200, {
    items: page.items.map(({ orderId, userId, status: orderStatus, totalCents, createdAt }) => ({
      orderId,
      userId,
      status: orderStatus,
      totalCents,
      createdAt,
    })),
    nextCursor: cursorBefore(page.before, scope),
  });
}
