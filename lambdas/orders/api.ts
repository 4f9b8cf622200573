import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { getCartLines } from '../adapters/cart-store.ts';
import { getIdempotencyRecord, getOrder, getOrderEvents, recordPlacedOrder } from '../adapters/order-store.ts';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { requestHash } from '../domain/idempotency.ts';
import { newOrderId } from '../domain/order-ids.ts';
import { idempotencyKeySchema, placeOrderSchema } from '../domain/schemas.ts';
import { apiHandler } from '../http/api-handler.ts';
import { caller, type Caller, header, type HttpEvent, jsonBody, pathId, validate } from '../http/request.ts';
import { json } from '../http/respond.ts';
import type { OrderItem } from '../model/order.ts';
import { metrics } from '../observability.ts';
import { placeOrder, type PlacementPorts } from './place-order.ts';

const placementPorts: PlacementPorts = {
  cartLines: async (userId) => (await getCartLines(userId, new Date())).map(({ productId, quantity, addedAt }) => ({ productId, quantity, addedAt })),
  idempotencyRecord: getIdempotencyRecord,
  record: recordPlacedOrder,
  newOrderId: () => newOrderId(),
};

/** POST /orders: validate, then the placement use case; 202 once the order is recorded. */
async function placeOrderRoute(event: HttpEvent) {
  const who = caller(event);
  const key = validate(idempotencyKeySchema, header(event, 'idempotency-key'), 'Idempotency-Key');
  const body = jsonBody(event, placeOrderSchema);
  const result = await placeOrder(
    {
      userId: who.userId,
      key,
      requestHash: requestHash(body),
      ...(body.items ? { items: body.items } : { fromCart: true }),
      ...(body.promotionCode ? { promotionCode: body.promotionCode } : {}),
      paymentToken: body.paymentToken,
    },
    placementPorts,
  );
  switch (result.outcome) {
    case 'accepted':
      if (!result.replayed) metrics.addMetric('OrdersPlaced', MetricUnit.Count, 1);
      return json(202, { orderId: result.orderId, status: 'PENDING' });
    case 'key-reused':
      throw new ConflictError('This Idempotency-Key was used with a different request', 'IDEMPOTENCY_KEY_REUSED');
    case 'cart-empty':
      throw new ValidationError('The cart is empty', [{ path: 'fromCart', message: 'the cart has no unexpired items to order' }]);
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
  'POST /orders': placeOrderRoute,
  'GET /orders/{orderId}': getOrderRoute,
  'GET /orders/{orderId}/events': getOrderEventsRoute,
});
