import type { SQSBatchResponse } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Order } from '../../../lambdas/domain/order-rules.ts';
import type { CommitResult, Confirmation, Rejection } from '../../../lambdas/ports/orders.ts';
import { lambdaContext, sqsRecord } from '../lambda-events.ts';

/**
 * The settlement worker: SQS records in, batch item failures out, the settlement use case between.
 * The adapters are faked; what they write is tested in test/unit/adapters/settlement-store.test.ts
 * (and cart-store, promotion-store), the rules of settlement in settle.test.ts.
 */
const adapters = vi.hoisted(() => ({
  getOrder: vi.fn<(orderId: string, options?: { consistent?: boolean }) => Promise<Order | undefined>>(),
  getProducts: vi.fn<(ids: string[]) => Promise<Map<string, { productId: string; priceCents: number }>>>(),
  getStock: vi.fn<(productId: string) => Promise<Array<{ warehouseId: string; available: number }>>>(),
  getPromotion: vi.fn<(code: string, options?: { consistent?: boolean }) => Promise<unknown>>(),
  commitConfirmation: vi.fn<(confirmation: Confirmation) => Promise<CommitResult>>(),
  commitRejection: vi.fn<(rejection: Rejection) => Promise<CommitResult>>(),
  removeOrderedCartLines: vi.fn<(userId: string, lines: unknown[]) => Promise<void>>(),
}));
vi.mock('../../../lambdas/adapters/order-reads.ts', () => ({ getOrder: adapters.getOrder }));
vi.mock('../../../lambdas/adapters/catalog-store.ts', () => ({ getProducts: adapters.getProducts, getStock: adapters.getStock }));
vi.mock('../../../lambdas/adapters/promotion-store.ts', () => ({ getPromotion: adapters.getPromotion }));
vi.mock('../../../lambdas/adapters/settlement-store.ts', () => ({ commitConfirmation: adapters.commitConfirmation, commitRejection: adapters.commitRejection }));
vi.mock('../../../lambdas/adapters/cart-store.ts', () => ({ removeOrderedCartLines: adapters.removeOrderedCartLines }));

const { handler } = await import('../../../lambdas/orders/settle-order.ts');

const order = (orderId: string, status: Order['status'], extra: Partial<Order> = {}): Order => ({
  orderId,
  userId: 'u1',
  status,
  items: [{ productId: 'p1', quantity: 1 }],
  eventSeq: 1,
  createdAt: '2026-11-24T10:00:00.000Z',
  updatedAt: '2026-11-24T10:00:00.000Z',
  ...extra,
});
const message = (orderId: string) => JSON.stringify({ orderId, paymentToken: 'tok_ok' });
const settle = async (records: ReturnType<typeof sqsRecord>[]) => (await handler({ Records: records }, lambdaContext)) as SQSBatchResponse;

beforeEach(() => {
  vi.clearAllMocks();
  adapters.getProducts.mockImplementation(async (ids) => new Map(ids.map((id) => [id, { productId: id, priceCents: 700 }])));
  adapters.getStock.mockResolvedValue([{ warehouseId: 'w1', available: 5 }]);
  adapters.getPromotion.mockResolvedValue(undefined);
  adapters.commitConfirmation.mockResolvedValue('committed');
  adapters.commitRejection.mockResolvedValue('committed');
  adapters.removeOrderedCartLines.mockResolvedValue();
});

describe('settle-order worker', () => {
  it('reports only the failed records: a malformed message fails, the rest of the batch is acknowledged', async () => {
    adapters.getOrder.mockResolvedValue(order('done', 'CONFIRMED'));
    const result = await settle([sqsRecord('m1', message('done')), sqsRecord('m2', '{not json'), sqsRecord('m3', JSON.stringify({ paymentToken: 'tok_ok' }))]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }]);
    // The already-confirmed order is not settled again.
    expect(adapters.commitConfirmation).not.toHaveBeenCalled();
    expect(adapters.commitRejection).not.toHaveBeenCalled();
  });

  it('settles a PENDING order read consistently, with its events, in one commit', async () => {
    adapters.getOrder.mockResolvedValue(order('o1', 'PENDING'));
    expect((await settle([sqsRecord('m1', message('o1'))])).batchItemFailures).toEqual([]);
    expect(adapters.getOrder).toHaveBeenCalledWith('o1', { consistent: true });
    expect(adapters.commitConfirmation).toHaveBeenCalledTimes(1);
    const confirmation = adapters.commitConfirmation.mock.calls[0]![0];
    expect(confirmation.totals).toMatchObject({ totalCents: 700 });
    expect(confirmation.events.map((event) => event.type)).toEqual(['OrderConfirmed']);
  });

  it('rejects the order SETTLEMENT_FAILED on its last delivery, so a dead-lettered order is never left PENDING', async () => {
    adapters.getOrder.mockResolvedValue(order('o2', 'PENDING'));
    adapters.getProducts.mockRejectedValue(new Error('table unavailable'));

    const early = (await handler({ Records: [sqsRecord('m1', message('o2'), 1)] }, lambdaContext).catch((e) => e)) as Error;
    expect(early).toBeInstanceOf(Error); // the whole batch failed: it comes back after the visibility timeout
    expect(adapters.commitRejection).not.toHaveBeenCalled();

    await handler({ Records: [sqsRecord('m1', message('o2'), 3)] }, lambdaContext).catch(() => undefined);
    expect(adapters.commitRejection).toHaveBeenCalledTimes(1);
    expect(adapters.commitRejection.mock.calls[0]![0]).toMatchObject({ reason: 'SETTLEMENT_FAILED', order: { orderId: 'o2' } });
  });

  describe('with a promotion code', () => {
    beforeEach(() => {
      adapters.getOrder.mockResolvedValue(order('o3', 'PENDING', { items: [{ productId: 'p1', quantity: 2 }], promotionCode: 'SAVE10' }));
      adapters.getProducts.mockImplementation(async (ids) => new Map(ids.map((id) => [id, { productId: id, priceCents: 1000 }])));
      adapters.getPromotion.mockResolvedValue({ code: 'SAVE10', percentOff: 10, maxRedemptions: 3, redemptions: 1, updatedAt: 'u' });
    });

    it('reads the promotion consistently and redeems it in the settlement commit, charging the discounted total', async () => {
      expect((await settle([sqsRecord('m1', message('o3'))])).batchItemFailures).toEqual([]);
      expect(adapters.getPromotion).toHaveBeenCalledWith('SAVE10', { consistent: true });
      const confirmation = adapters.commitConfirmation.mock.calls[0]![0];
      expect(confirmation).toMatchObject({ promotionCode: 'SAVE10', totals: { subtotalCents: 2000, discountCents: 200, totalCents: 1800 } });
      expect(confirmation.payment).toMatchObject({ amountCents: 1800, status: 'AUTHORIZED' });
    });

    it('rejects INVALID_PROMOTION with a voided payment when the redemption could not be counted', async () => {
      adapters.commitConfirmation.mockResolvedValue('promotion-unavailable');
      expect((await settle([sqsRecord('m1', message('o3'))])).batchItemFailures).toEqual([]);
      expect(adapters.commitRejection.mock.calls[0]![0]).toMatchObject({ reason: 'INVALID_PROMOTION', payment: { status: 'VOIDED', amountCents: 1800 } });
    });
  });

  it('removes the ordered cart lines of a confirmed fromCart order, also on redelivery', async () => {
    const cartLines = [
      { productId: 'p1', quantity: 1, addedAt: '2026-11-24T09:00:00.000Z' },
      { productId: 'p2', quantity: 3, addedAt: '2026-11-24T09:01:00.000Z' },
    ];
    adapters.getOrder.mockResolvedValue(order('o4', 'CONFIRMED', { fromCart: true, cartLines }));
    expect((await settle([sqsRecord('m1', message('o4'))])).batchItemFailures).toEqual([]);
    expect(adapters.commitConfirmation).not.toHaveBeenCalled();
    expect(adapters.removeOrderedCartLines).toHaveBeenCalledWith('u1', cartLines);
  });

  describe('with the relay\'s copy of the PENDING order', () => {
    const copy = { userId: 'u9', items: [{ productId: 'p1', quantity: 2 }], paymentToken: 'tok_ok', eventSeq: 1, createdAt: '2026-11-24T10:00:00.000Z' };
    const withCopy = (orderId: string, order: unknown = copy) => JSON.stringify({ orderId, order });

    it('settles a first delivery from the copy, reading no order', async () => {
      expect((await settle([sqsRecord('m1', withCopy('o5'))])).batchItemFailures).toEqual([]);
      expect(adapters.getOrder).not.toHaveBeenCalled();
      const confirmation = adapters.commitConfirmation.mock.calls[0]![0];
      expect(confirmation.order).toMatchObject({ orderId: 'o5', userId: 'u9', status: 'PENDING', eventSeq: 1, createdAt: copy.createdAt });
      expect(confirmation).toMatchObject({ totals: { totalCents: 1400 }, payment: { amountCents: 1400, status: 'AUTHORIZED' } });
    });

    it('reads the order on a redelivery: an earlier delivery may have settled it', async () => {
      adapters.getOrder.mockResolvedValue(order('o6', 'CONFIRMED'));
      expect((await settle([sqsRecord('m1', withCopy('o6'), 2)])).batchItemFailures).toEqual([]);
      expect(adapters.getOrder).toHaveBeenCalledWith('o6', { consistent: true });
      expect(adapters.commitConfirmation).not.toHaveBeenCalled();
    });

    it('reads the order when the copy does not parse, and fails nothing', async () => {
      adapters.getOrder.mockResolvedValue(order('o7', 'PENDING', { paymentToken: 'tok_ok' }));
      expect((await settle([sqsRecord('m1', withCopy('o7', { ...copy, items: 'p1' }))])).batchItemFailures).toEqual([]);
      expect(adapters.getOrder).toHaveBeenCalledWith('o7', { consistent: true });
      expect(adapters.commitConfirmation.mock.calls[0]![0].order).toMatchObject({ orderId: 'o7', userId: 'u1' });
    });

    it('acknowledges a copy of an order already settled, without a second commit', async () => {
      adapters.commitConfirmation.mockResolvedValue('already-settled');
      expect((await settle([sqsRecord('m1', withCopy('o8'))])).batchItemFailures).toEqual([]);
      expect(adapters.commitConfirmation).toHaveBeenCalledTimes(1);
      expect(adapters.commitRejection).not.toHaveBeenCalled();
    });
  });

  describe('a batch', () => {
    const copy = (productIds: string[]) => ({ userId: 'u9', items: productIds.map((productId) => ({ productId, quantity: 1 })), paymentToken: 'tok_ok', eventSeq: 1, createdAt: '2026-11-24T10:00:00.000Z' });
    const record = (id: string, productIds: string[]) => sqsRecord(`m-${id}`, JSON.stringify({ orderId: id, order: copy(productIds) }));
    /** Commits that end when the test says, recording which orders were committing at once. */
    function heldCommits() {
      const open: Array<() => void> = [];
      const committing: string[][] = [];
      const active = new Set<string>();
      adapters.commitConfirmation.mockImplementation(async ({ order: settled }) => {
        active.add(settled.orderId);
        committing.push([...active].sort());
        await new Promise<void>((resolve) => open.push(resolve));
        active.delete(settled.orderId);
        return 'committed';
      });
      const release = async () => {
        while (adapters.commitConfirmation.mock.calls.length < 3 || open.length > 0) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          open.splice(0).forEach((resolve) => resolve());
        }
      };
      return { committing, release };
    }

    it('settles its records at once when they share no product, and reports them all', async () => {
      const { committing, release } = heldCommits();
      const settling = settle([record('a', ['p1']), record('b', ['p2']), record('c', ['p3', 'p4'])]);
      await release();
      expect((await settling).batchItemFailures).toEqual([]);
      expect(committing.at(-1)).toEqual(['a', 'b', 'c']);
    });

    it('settles records that share a product one after the other, in their order', async () => {
      const { committing, release } = heldCommits();
      const settling = settle([record('a', ['p1', 'p2']), record('b', ['p3']), record('c', ['p2'])]);
      await release();
      expect((await settling).batchItemFailures).toEqual([]);
      expect(committing).toEqual([['a'], ['a', 'b'], ['c']]);
    });

    it('reports a failed record of a parallel batch, and acknowledges the rest', async () => {
      adapters.commitConfirmation.mockImplementation(async ({ order: settled }) => {
        if (settled.orderId === 'b') throw new Error('table unavailable');
        return 'committed';
      });
      const result = await settle([record('a', ['p1']), record('b', ['p1']), record('c', ['p2'])]);
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-b' }]);
      expect(adapters.commitConfirmation).toHaveBeenCalledTimes(3);
    });
  });
});
