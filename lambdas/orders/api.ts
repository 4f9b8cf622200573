import { ulid } from 'ulid';
import { getCartLines } from '../adapters/cart-store.ts';
import { enqueueSettlement } from '../adapters/order-queue.ts';
import { getIdempotencyRecord, getOrder, getOrderEvents, recordPlacedOrder } from '../adapters/order-store.ts';
import { config } from '../config.ts';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../domain/errors.ts';
import { requestHash } from '../domain/idempotency.ts';
import { dayOf } from '../domain/orders.ts';
import { idempotencyKeySchema, placeOrderSchema } from '../domain/schemas.ts';
import { shardFor } from '../domain/sharding.ts';
import { apiHandler } from '../http/api-handler.ts';
import { caller, type Caller, header, type HttpEvent, jsonBody, pathId, validate } from '../http/request.ts';
import { json } from '../http/respond.ts';
import type { OrderItem } from '../model/order.ts';
import { logger } from '../observability.ts';

/**
 * POST /orders: validate, record a PENDING order (idempotently per Idempotency-Key) from the given
 * lines or from the cart, enqueue it, answer 202. If the enqueue fails the client gets 503 and
 * retries with the same key, which finds the recorded order and enqueues it again (the worker
 * settles an order once, however often asked).
 */
async function placeOrder(event: HttpEvent) {
  const who = caller(event);
  const key = validate(idempotencyKeySchema, header(event, 'idempotency-key'), 'Idempotency-Key');
  const body = jsonBody(event, placeOrderSchema);
  const hash = requestHash(body);

  // Before the cart is read: a replayed fromCart request answers its order even once the cart is empty.
  const existing = await getIdempotencyRecord(who.userId, key);
  if (existing) return replay(existing, hash, body.paymentToken);

  const lines = body.items ? { items: body.items } : await cartOrderLines(who.userId);
  const createdAt = new Date().toISOString();
  const orderId = ulid();
  const recorded = await recordPlacedOrder(
    {
      orderId,
      userId: who.userId,
      ...lines,
      ...(body.promotionCode ? { promotionCode: body.promotionCode } : {}),
      day: dayOf(createdAt),
      shard: shardFor(orderId, config.orderShardCount),
      createdAt,
    },
    { key, requestHash: hash, ttl: Math.floor(Date.now() / 1000) + config.idempotencyTtlSeconds },
  );
  if (!recorded) {
    // A concurrent request with the same key recorded its order first: answer as a replay of it.
    const winner = await getIdempotencyRecord(who.userId, key);
    if (!winner) throw new Error('idempotency record vanished after a conflicting write');
    return replay(winner, hash, body.paymentToken);
  }
  await enqueue(orderId, body.paymentToken);
  return json(202, { orderId, status: 'PENDING' });
}

/** A fromCart order takes the caller's unexpired cart lines as they are now. */
async function cartOrderLines(userId: string) {
  const cartLines = (await getCartLines(userId, new Date())).map(({ productId, quantity, addedAt }) => ({ productId, quantity, addedAt }));
  if (cartLines.length === 0) {
    throw new ValidationError('The cart is empty', [{ path: 'fromCart', message: 'the cart has no unexpired items to order' }]);
  }
  return { items: cartLines.map(({ productId, quantity }) => ({ productId, quantity })), fromCart: true, cartLines };
}

async function replay(record: { orderId: string; requestHash: string }, hash: string, paymentToken: string) {
  if (record.requestHash !== hash) {
    throw new ConflictError('This Idempotency-Key was used with a different request', 'IDEMPOTENCY_KEY_REUSED');
  }
  const order = await getOrder(record.orderId, { consistent: true });
  if (order?.status === 'PENDING') await enqueue(record.orderId, paymentToken);
  return json(202, { orderId: record.orderId, status: 'PENDING' });
}

async function enqueue(orderId: string, paymentToken: string) {
  try {
    await enqueueSettlement({ orderId, paymentToken });
  } catch (error) {
    logger.error('could not enqueue order; the client retries with its Idempotency-Key', { orderId, error: error as Error });
    throw new UnavailableError('The order is recorded but could not be queued; retry with the same Idempotency-Key', 1);
  }
}

/** Another user's order is indistinguishable from a missing one. */
function visibleTo(who: Caller, ownerId: string | undefined): boolean {
  return ownerId !== undefined && (who.isAdmin || ownerId === who.userId);
}

function orderView(order: OrderItem) {
  return {
    orderId: order.orderId,
    userId: order.userId,
    status: order.status,
    ...(order.rejectionReason ? { rejectionReason: order.rejectionReason } : {}),
    items: order.items.map(({ productId, quantity, unitPriceCents }) => ({ productId, quantity, unitPriceCents: unitPriceCents ?? null })),
    subtotalCents: order.subtotalCents,
    discountCents: order.discountCents,
    totalCents: order.totalCents,
    ...(order.promotionCode ? { promotionCode: order.promotionCode } : {}),
    ...(order.fromCart ? { fromCart: true } : {}),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

async function getOrderRoute(event: HttpEvent) {
  const who = caller(event);
  const order = await getOrder(pathId(event, 'orderId'));
  if (!order || !visibleTo(who, order.userId)) throw new NotFoundError('No such order');
  return json(200, orderView(order));
}

async function getOrderEventsRoute(event: HttpEvent) {
  const who = caller(event);
  const events = await getOrderEvents(pathId(event, 'orderId'));
  if (!visibleTo(who, events[0]?.userId)) throw new NotFoundError('No such order');
  return json(200, { items: events.map(({ seq, type, at, data }) => ({ seq, type, at, data })) });
}

export const handler = apiHandler({
  'POST /orders': placeOrder,
  'GET /orders/{orderId}': getOrderRoute,
  'GET /orders/{orderId}/events': getOrderEventsRoute,
});
