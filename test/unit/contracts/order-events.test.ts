import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { monotonicFactory } from 'ulid';
import { beforeEach, describe, expect, it } from 'vitest';
import { recordPlacedOrder } from '../../../lambdas/adapters/order-store.ts';
import { simulatedProvider } from '../../../lambdas/adapters/payment-provider.ts';
import { commitConfirmation, commitRejection } from '../../../lambdas/adapters/settlement-store.ts';
import { ORDER_EVENT_TYPES } from '../../../lambdas/domain/order-events.ts';
import type { OrderItem } from '../../../lambdas/model/order.ts';
import type { ProductItem } from '../../../lambdas/model/product.ts';
import type { PromotionItem } from '../../../lambdas/model/promotion.ts';
import { handler as relay } from '../../../lambdas/orders/relay-placed-orders.ts';
import { settleOrder } from '../../../lambdas/orders/settle.ts';
import type { SettlementPorts } from '../../../lambdas/ports/orders.ts';
import { contractTypes, contractViolations } from '../../event-contracts.ts';
import { lambdaContext } from '../lambda-events.ts';

/**
 * SPEC §6: each published event type has a versioned schema (contracts/events/<Type>.v1.json). The
 * events checked here are the ones the code writes — placement's and settlement's real transaction
 * writers, every outcome — taken off their TransactWriteItems, put through the relay as stream
 * records, and read back from the PutEvents calls: what goes on the bus is what is validated.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);
const ulid = monotonicFactory();

beforeEach(() => {
  dynamo.reset();
  eventBridge.reset();
  dynamo.on(TransactWriteCommand).resolves({});
  eventBridge.on(PutEventsCommand).callsFake(({ Entries }) => ({ FailedEntryCount: 0, Entries: Entries.map(() => ({ EventId: 'e' })) }));
});

/** The order events the mocked transactions wrote, as the stream would deliver them. */
function loggedEventRecords(): DynamoDBRecord[] {
  const items = dynamo.commandCalls(TransactWriteCommand).flatMap((call) => call.args[0].input.TransactItems!.map((part) => part.Put?.Item));
  return items
    .filter((item) => item?.['__edb_e__'] === 'orderEvent')
    .map((item, i) => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: String(1000 + i), NewImage: marshall(item!, { removeUndefinedValues: true }) as never } }));
}

async function published(): Promise<Array<{ type: string; detail: unknown }>> {
  const result = await relay({ Records: loggedEventRecords() }, lambdaContext);
  expect(result.batchItemFailures).toEqual([]);
  return eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries!.map((entry) => ({ type: entry.DetailType!, detail: JSON.parse(entry.Detail!) })));
}

const pendingOrder = (overrides: Partial<OrderItem> = {}): OrderItem =>
  ({
    orderId: ulid(),
    userId: 'u-1',
    status: 'PENDING',
    items: [{ productId: 'p1', quantity: 2 }],
    paymentToken: 'tok_ok',
    eventSeq: 1,
    day: '2026-03-01',
    shard: 0,
    schemaVersion: 1,
    createdAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
    ...overrides,
  }) as OrderItem;

/** Settles one order through the real use case and the real DynamoDB writers (mocked client). */
async function settle(order: OrderItem, catalog: { prices: Record<string, number>; stock: number; promotion?: Partial<PromotionItem> }) {
  const ports: SettlementPorts = {
    getOrder: async () => order,
    products: async (ids) => new Map(ids.filter((id) => id in catalog.prices).map((id) => [id, { productId: id, priceCents: catalog.prices[id] } as ProductItem])),
    stock: async () => [{ warehouseId: 'w1', available: catalog.stock }],
    promotion: async (code) => (catalog.promotion ? ({ code, redemptions: 0, ...catalog.promotion } as PromotionItem) : undefined),
    commitConfirmation,
    commitRejection,
    removeOrderedLines: async () => {},
    payments: simulatedProvider,
    now: () => '2026-03-01T10:00:01.000Z',
    wait: async () => {},
  };
  return settleOrder({ orderId: order.orderId }, ports);
}

describe('every published order event conforms to its contract', () => {
  it('has a schema file for exactly the event types the code can log', () => {
    expect(contractTypes()).toEqual([...ORDER_EVENT_TYPES].sort());
  });

  it('placement: OrderPlaced, plain and from the cart with a promotion', async () => {
    const at = '2026-03-01T10:00:00.000Z';
    await recordPlacedOrder({ orderId: ulid(), userId: 'u-1', items: [{ productId: 'p1', quantity: 1 }], paymentToken: 't', createdAt: at }, { key: 'k1', requestHash: 'h' });
    await recordPlacedOrder(
      { orderId: ulid(), userId: 'u-1', items: [{ productId: 'p1', quantity: 2 }], promotionCode: 'SAVE10', fromCart: true, cartLines: [{ productId: 'p1', quantity: 2, addedAt: at }], paymentToken: 't', createdAt: at },
      { key: 'k2', requestHash: 'h' },
    );
    const events = await published();
    expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderPlaced']);
    for (const { type, detail } of events) expect(contractViolations(type, detail)).toEqual([]);
  });

  it('settlement: every confirmation event and every rejection reason', async () => {
    expect(await settle(pendingOrder({ promotionCode: 'SAVE10' }), { prices: { p1: 1250 }, stock: 5, promotion: { percentOff: 10 } })).toBe('confirmed');
    expect(await settle(pendingOrder(), { prices: { p1: 1250 }, stock: 1 })).toBe('rejected'); // OUT_OF_STOCK
    expect(await settle(pendingOrder(), { prices: {}, stock: 5 })).toBe('rejected'); // UNKNOWN_PRODUCT
    expect(await settle(pendingOrder({ paymentToken: 'tok_decline' }), { prices: { p1: 1 }, stock: 5 })).toBe('rejected'); // PAYMENT_DECLINED
    expect(await settle(pendingOrder({ promotionCode: 'GONE' }), { prices: { p1: 1 }, stock: 5 })).toBe('rejected'); // INVALID_PROMOTION
    expect(await settle(pendingOrder({ paymentToken: undefined }), { prices: { p1: 1 }, stock: 5 })).toBe('rejected'); // SETTLEMENT_FAILED
    const events = await published();
    // Calls interleave orders (one event per order per call), so compare the types as a multiset.
    expect(events.map((e) => e.type).sort()).toEqual(['OrderConfirmed', ...Array(5).fill('OrderRejected')].sort());
    expect(events.filter((e) => e.type === 'OrderRejected').map((e) => (e.detail as { data: { reason: string } }).data.reason)).toEqual([
      'OUT_OF_STOCK',
      'UNKNOWN_PRODUCT',
      'PAYMENT_DECLINED',
      'INVALID_PROMOTION',
      'SETTLEMENT_FAILED',
    ]);
    for (const { type, detail } of events) expect(contractViolations(type, detail)).toEqual([]);
  });

  it('refuses what breaks a contract: a missing total, an unknown reason, an extra field, an unknown type', () => {
    const detail = { orderId: ulid(), seq: 4, at: '2026-03-01T10:00:01.000Z', schemaVersion: 1 };
    expect(contractViolations('OrderConfirmed', { ...detail, data: { subtotalCents: 1, discountCents: 0 } })).not.toEqual([]);
    expect(contractViolations('OrderRejected', { ...detail, data: { reason: 'BORED' } })).not.toEqual([]);
    expect(contractViolations('PaymentAuthorized', { ...detail, data: { reference: 'r', amountCents: 1, token: 'tok_ok' } })).not.toEqual([]);
    expect(contractViolations('OrderShipped', { ...detail, data: {} })).not.toEqual([]);
  });
});
