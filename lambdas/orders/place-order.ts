import type { RequestedLine } from '../domain/order-rules.ts';
import type { IdempotencyRecord, NewOrder, PlacementPorts } from '../ports/orders.ts';

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
  /** The same key is being placed by a concurrent request: its retry finds the order. */
  | { outcome: 'key-in-progress' }
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
  switch (result.outcome) {
    case 'recorded':
      return { outcome: 'accepted', orderId, replayed: false };
    case 'key-used':
      return answerReplay(result.record, request.requestHash);
    case 'key-in-progress':
      return { outcome: 'key-in-progress' };
  }
}

function answerReplay(record: IdempotencyRecord, requestHash: string): PlacementResult {
  return record.requestHash === requestHash ? { outcome: 'accepted', orderId: record.orderId, replayed: true } : { outcome: 'key-reused' };
}
