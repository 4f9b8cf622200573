/**
 * What the order flows need from the outside world, in the domain's terms: placing (POST /orders),
 * reading, settling and the backstop. lambdas/adapters/ implements each with DynamoDB, SQS or a
 * payment provider; tests implement them in memory.
 */
import type { OrderedCartLine } from '../domain/cart.ts';
import type {
  BucketAllocation,
  Order,
  OrderEventDraft,
  OrderTotals,
  PricedLine,
  RecordedOrderEvent,
  RejectionReason,
  RequestedLine,
} from '../domain/order-rules.ts';
import type { PublishedOrderEvent } from '../domain/order-events.ts';
import type { OrderedLinesRemoval } from './carts.ts';
import type { ProductBatch, StockLevels } from './catalog.ts';
import type { PromotionLookup } from './promotions.ts';
import type { PendingOrderCopy } from './settlement-message.ts';
import type { StockSnapshots } from '../domain/stock-snapshots.ts';

/** A PENDING order as placement records it, with everything settlement will need. */
export interface NewOrder {
  orderId: string;
  userId: string;
  items: RequestedLine[];
  promotionCode?: string;
  /** Kept with the order until settlement, so a lost message never loses what settlement needs. */
  paymentToken: string;
  /** Set when the order was placed from the cart, with the lines to remove from it once CONFIRMED. */
  fromCart?: boolean;
  cartLines?: OrderedCartLine[];
  createdAt: string;
}

export interface IdempotencyRecord {
  orderId: string;
  requestHash: string;
}

export type PlacementOutcome =
  | { outcome: 'recorded' }
  /** The key was used before: nothing was written; this is what it recorded. */
  | { outcome: 'key-used'; record: IdempotencyRecord }
  /** A concurrent request with the same key is being recorded right now. */
  | { outcome: 'key-in-progress' };

/** Placement's ports. */
export interface PlacementPorts {
  /** The caller's unexpired cart lines, for a fromCart order. */
  cartLines(userId: string): Promise<OrderedCartLine[]>;
  idempotencyRecord(userId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Records the order, its OrderPlaced event and the idempotency record at once, or nothing. */
  record(order: NewOrder, idempotency: { key: string; requestHash: string }): Promise<PlacementOutcome>;
  newOrderId(): { orderId: string; createdAt: string };
}

/** Reading an order and its events (AP9, AP10). */
export interface OrderReads {
  getOrder(orderId: string): Promise<Order | undefined>;
  getOrderEvents(orderId: string): Promise<RecordedOrderEvent[]>;
}

/** A payment provider. Both calls must be idempotent per order: settlement retries them. */
export interface PaymentProvider {
  readonly name: string;
  authorize(request: { orderId: string; amountCents: number; token: string }): Promise<
    { status: 'AUTHORIZED'; reference: string } | { status: 'DECLINED'; reference: string }
  >;
  void(reference: string): Promise<void>;
}

export interface PaymentRecord {
  provider: string;
  reference: string;
  amountCents: number;
  status: 'AUTHORIZED' | 'DECLINED' | 'VOIDED';
}

/**
 * How a settling write ended. Nothing was written unless 'committed': the order was no longer
 * PENDING, stock went below what was allocated, the promotion ran out, or another transaction
 * held an item.
 */
export type CommitResult = 'committed' | 'already-settled' | 'stock-changed' | 'promotion-unavailable' | 'conflict';

export interface Confirmation {
  order: Order;
  lines: PricedLine[];
  totals: OrderTotals;
  promotionCode?: string;
  /** The stock decrements, bucket by bucket. */
  allocations: BucketAllocation[];
  payment: PaymentRecord;
  events: OrderEventDraft[];
  now: string;
}

export interface Rejection {
  order: Order;
  reason: RejectionReason;
  events: OrderEventDraft[];
  payment?: PaymentRecord;
  now: string;
}

/** The one write that takes an order out of PENDING, with its events: all of it or nothing. */
export interface SettlementLedger {
  commitConfirmation(confirmation: Confirmation): Promise<CommitResult>;
  commitRejection(rejection: Rejection): Promise<CommitResult>;
}

/** Settlement's ports: the order and its ledger, catalog prices, stock, the promotion and the cart. */
export interface SettlementPorts extends SettlementLedger, ProductBatch, StockLevels, PromotionLookup, OrderedLinesRemoval {
  getOrder(orderId: string, options: { consistent: boolean }): Promise<Order | undefined>;
  payments: PaymentProvider;
  /** Told once per order this run settled: the business metrics (orders confirmed, rejected by reason). */
  settled?: (outcome: { result: 'confirmed' } | { result: 'rejected'; reason: RejectionReason }) => void;
  now(): string;
  /** Waits between re-plans after a lost race on stock; domain/retry.ts's timer unless a test gives its own. */
  wait?: (ms: number) => Promise<void>;
  /** This environment's recent stock reads (domain/stock-snapshots.ts); without them every plan reads the stock. */
  stockSnapshots?: Pick<StockSnapshots, 'get' | 'put' | 'take' | 'forget'>;
}

/** The backstop's ports. */
export interface BackstopPorts {
  /** PENDING orders placed before `instant` (epoch ms), oldest first. */
  pendingOrdersCreatedBefore(instant: number): Promise<Order[]>;
  oldestPendingOrder(): Promise<Order | undefined>;
  /** Counts one re-drive of a still-PENDING order; false if it is no longer PENDING. */
  markRedriven(orderId: string, now: string): Promise<boolean>;
  /** Puts orders on the settlement queue; resolves with the ids the queue did not take. */
  enqueue(orderIds: string[]): Promise<string[]>;
  reject(rejection: Rejection & { reason: 'SETTLEMENT_FAILED' }): Promise<CommitResult>;
  now(): number;
}

/** A request to settle an order: its id, and the relay's copy of the PENDING order when it has one. */
export interface SettlementRequest {
  orderId: string;
  order?: PendingOrderCopy | undefined;
}

/** The outbox relay's ports (decisions 0004, 0009). */
/**
 * What the outbox relay finds on the table's stream, in stream order. `position` is the record's
 * sequence number: what a batch answer names for the stream to retry from.
 */
export type OutboxRecord =
  /** A new PENDING order: it needs a settlement request on the order queue, with its copy when the image has one. */
  | { position: string; kind: 'placed'; orderId: string; order?: PendingOrderCopy }
  /** An event appended to an order's log: it goes out on the event bus. */
  | { position: string; kind: 'event'; event: PublishedOrderEvent };

/** What the relay needs from the outside world; the handler passes the SQS and EventBridge adapters. */
export interface RelayPorts {
  /** Puts settlement requests on the order queue; resolves with the order ids it did not take. */
  enqueueSettlements(requests: readonly SettlementRequest[]): Promise<string[]>;
  /** One PutEvents call (at most one event per order); resolves with the indexes the bus did not take. */
  publishEvents(events: readonly PublishedOrderEvent[]): Promise<number[]>;
  /** Told why records are left to the stream's retry. */
  warn(message: string, details: Record<string, unknown>): void;
}
