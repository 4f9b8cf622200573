import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { getCartLines } from '../adapters/cart-store.ts';
import { getOrder, getOrderEvents } from '../adapters/order-reads.ts';
import { getIdempotencyRecord, recordPlacedOrder } from '../adapters/order-store.ts';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../domain/errors.ts';
import { requestHash } from '../domain/idempotency.ts';
import { newOrderId } from '../domain/order-ids.ts';
import { idempotencyKeySchema, placeOrderSchema } from '../domain/schemas.ts';
import { apiHandler } from '../http/api-handler.ts';
import type { Order } from '../domain/order-rules.ts';
import { caller, header, type HttpEvent, jsonBody, pathId, validate } from '../http/request.ts';
import { json } from '../http/respond.ts';
import { metrics } from '../observability.ts';
import type { OrderReads, PlacementPorts } from '../ports/orders.ts';
import { placeOrder } from './place-order.ts';
import { readOrder, readOrderEvents } from './read-order.ts';

const placementPorts: PlacementPorts = {
  cartLines: async (userId) => (await getCartLines(userId, new Date())).map(({ productId, quantity, addedAt }) => ({ productId, quantity, addedAt })),
  idempotencyRecord: getIdempotencyRecord,
  record: recordPlacedOrder,
  newOrderId: () => newOrderId(),
};
const orderReads: OrderReads = { getOrder: (orderId) => getOrder(orderId), getOrderEvents };

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
    case 'key-in-progress':
      throw new UnavailableError('A concurrent request with this Idempotency-Key is in progress; retry shortly', 1);
    case 'cart-empty':
      throw new ValidationError('The cart is empty', [{ path: 'fromCart', message: 'the cart has no unexpired items to order' }]);
  }
}

function orderView(order: Order) {
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
  const order = await readOrder(caller(event), pathId(event, 'orderId'), orderReads);
  if (!order) throw new NotFoundError('No such order');
  return json(200, orderView(order));
}

async function getOrderEventsRoute(event: HttpEvent) {
  const events = await readOrderEvents(caller(event), pathId(event, 'orderId'), orderReads);
  if (!events) throw new NotFoundError('No such order');
  return json(200, { items: events.map(({ seq, type, at, data }) => ({ seq, type, at, data })) });
}

export const handler = apiHandler({
  'POST /orders': placeOrderRoute,
  'GET /orders/{orderId}': getOrderRoute,
  'GET /orders/{orderId}/events': getOrderEventsRoute,
});
