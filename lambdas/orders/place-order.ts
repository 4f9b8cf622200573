import type { OrderedCartLine } from '../domain/cart.ts';
import type { RequestedLine } from '../domain/order-rules.ts';
import type { NewOrder, PlacementOutcome } from '../adapters/order-store.ts';

/** What placing an order needs from the outside world; the handler passes the DynamoDB adapters. */
export interface PlacementPorts {
  cartLines(userId: string): Promise<OrderedCartLine[]>;
  idempotencyRecord(userId: string, key: string): Promise<{ orderId: string; requestHash: string } | undefined>;
  record(order: NewOrder, idempotency: { key: string; requestHash: string }): Promise<PlacementOutcome>;
  newOrderId(): { orderId: string; createdAt: string };
}

export interface PlacementRequest {
  userId: string;
  key: string;
  requestHash: string;
  items?: RequestedLine[];
  fromCart?: boolean;
  promotionCode?: string;
  paymentToken: string;
}

export type PlacementResult =
  | { outcome: 'accepted'; orderId: string; replayed: boolean }
  | { outcome: 'key-reused' }
  | { outcome: 'cart-empty' };

/**
 * POST /orders (SPEC §1): one transaction records the PENDING order with everything settlement needs,
 * its OrderPlaced event and the idempotency record; the stream takes it to settlement. A replay with
 * the same key and body answers the first order; the same key with another body is refused. Only a
 * fromCart request whose cart is now empty reads the idempotency record first (its order may exist).
 */
export async function placeOrder(request: PlacementRequest, ports: PlacementPorts): Promise<PlacementResult> {
  let lines: Pick<NewOrder, 'items' | 'fromCart' | 'cartLines'>;
  if (request.fromCart) {
    const cartLines = await ports.cartLines(request.userId);
    if (cartLines.length === 0) {
      const earlier = await ports.idempotencyRecord(request.userId, request.key);
      return earlier ? answerReplay(earlier, request.requestHash) : { outcome: 'cart-empty' };
    }
    lines = { items: cartLines.map(({ productId, quantity }) => ({ productId, quantity })), fromCart: true, cartLines };
  } else {
    lines = { items: request.items ?? [] };
  }

  const { orderId, createdAt } = ports.newOrderId();
  const result = await ports.record(
    {
      orderId,
      userId: request.userId,
      ...lines,
      ...(request.promotionCode ? { promotionCode: request.promotionCode } : {}),
      paymentToken: request.paymentToken,
      createdAt,
    },
    { key: request.key, requestHash: request.requestHash },
  );
  return result.outcome === 'recorded' ? { outcome: 'accepted', orderId, replayed: false } : answerReplay(result.record, request.requestHash);
}

function answerReplay(record: { orderId: string; requestHash: string }, requestHash: string): PlacementResult {
  return record.requestHash === requestHash ? { outcome: 'accepted', orderId: record.orderId, replayed: true } : { outcome: 'key-reused' };
}
