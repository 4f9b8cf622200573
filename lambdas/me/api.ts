import { listUserOrders } from '../adapters/order-store.ts';
import { getAccount, putUser } from '../adapters/user-store.ts';
import { NotFoundError } from '../domain/errors.ts';
import { beforeFromCursor, cursorBefore } from '../domain/pagination.ts';
import { pageQuerySchema, putMeSchema } from '../domain/schemas.ts';
import { apiHandler } from '../http/api-handler.ts';
import { caller, type HttpEvent, jsonBody, query } from '../http/request.ts';
import { json } from '../http/respond.ts';
import type { UserItem } from '../model/user.ts';

function userView(user: UserItem) {
  const { userId, email, status, profile, createdAt } = user;
  return { userId, email, status, profile, createdAt };
}

async function putMe(event: HttpEvent) {
  const who = caller(event);
  const body = jsonBody(event, putMeSchema);
  const user = await putUser({ userId: who.userId, ...body }, new Date().toISOString());
  return json(200, userView(user));
}

async function getMe(event: HttpEvent) {
  const who = caller(event);
  const { user, stats } = await getAccount(who.userId);
  if (!user) throw new NotFoundError('No profile yet: create it with PUT /me');
  return json(200, {
    ...userView(user),
    stats: { orderCount: stats?.orderCount ?? 0, lifetimeValueCents: stats?.lifetimeValueCents ?? 0 },
    recentOrders: stats?.recentOrders ?? [],
  });
}

async function getMyOrders(event: HttpEvent) {
  const who = caller(event);
  const page = query(event, pageQuerySchema);
  const before = beforeFromCursor(page.cursor);
  const result = await listUserOrders(who.userId, { limit: page.limit, ...(before ? { before } : {}) });
  return json(200, {
    items: result.items.map(({ orderId, status, totalCents, createdAt }) => ({ orderId, status, totalCents, createdAt })),
    nextCursor: cursorBefore(result.before),
  });
}

export const handler = apiHandler({
  'PUT /me': putMe,
  'GET /me': getMe,
  'GET /me/orders': getMyOrders,
});
