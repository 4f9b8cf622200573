import { describe, expect, it } from 'vitest';
import { simulatedProvider } from '../../../lambdas/adapters/payment-provider.ts';
import type { CommitResult } from '../../../lambdas/adapters/settlement-store.ts';
import type { WarehouseStock } from '../../../lambdas/domain/orders.ts';
import type { OrderItem } from '../../../lambdas/model/order.ts';
import type { ProductItem } from '../../../lambdas/model/product.ts';
import { OrderNotFoundError, settleOrder, type SettlementPorts } from '../../../lambdas/orders/settle.ts';

/**
 * An in-memory store with the same guards as the DynamoDB transaction: the order must be PENDING
 * and every stock decrement must find enough units, or nothing is written.
 */
function fakeStore(initial: { order: OrderItem; prices: Record<string, number>; stock: Record<string, WarehouseStock[]> }) {
  const state = { order: { ...initial.order }, stock: structuredClone(initial.stock), voided: [] as string[], commits: 0 };
  const raceOnce = { stealUnits: 0 };
  const ports: SettlementPorts = {
    getOrder: async () => ({ ...state.order }),
    getProducts: async (ids) =>
      new Map(ids.filter((id) => id in initial.prices).map((id) => [id, { productId: id, priceCents: initial.prices[id] } as ProductItem])),
    getStock: async (id) => structuredClone(state.stock[id] ?? []),
    commitConfirmation: async ({ allocations, lines, subtotalCents, events }): Promise<CommitResult> => {
      if (raceOnce.stealUnits > 0) {
        // Another settlement takes units between our read and our write.
        for (const w of Object.values(state.stock).flat()) w.available = Math.max(0, w.available - raceOnce.stealUnits);
        raceOnce.stealUnits = 0;
      }
      if (state.order.status !== 'PENDING') return 'already-settled';
      const enough = allocations.every((a) => (state.stock[a.productId]!.find((w) => w.warehouseId === a.warehouseId)?.available ?? 0) >= a.quantity);
      if (!enough) return 'stock-changed';
      for (const a of allocations) state.stock[a.productId]!.find((w) => w.warehouseId === a.warehouseId)!.available -= a.quantity;
      state.order = { ...state.order, status: 'CONFIRMED', items: lines, totalCents: subtotalCents, eventSeq: events.at(-1)!.seq };
      state.commits++;
      return 'committed';
    },
    commitRejection: async ({ reason, events }): Promise<CommitResult> => {
      if (state.order.status !== 'PENDING') return 'already-settled';
      state.order = { ...state.order, status: 'REJECTED', rejectionReason: reason, eventSeq: events.at(-1)!.seq };
      state.commits++;
      return 'committed';
    },
    payments: { ...simulatedProvider, void: async (reference) => void state.voided.push(reference) },
    now: () => '2026-11-24T00:00:00.000Z',
    pause: async () => {},
  };
  return { ports, state, raceOnce };
}

const pendingOrder = (items: Array<{ productId: string; quantity: number }>, extra: Partial<OrderItem> = {}): OrderItem =>
  ({ orderId: '01ORDER', userId: 'u1', status: 'PENDING', items, eventSeq: 1, day: '2026-11-24', shard: 0, createdAt: 'x', updatedAt: 'x', ...extra }) as OrderItem;

describe('settleOrder', () => {
  it('confirms at catalog prices and takes the stock', async () => {
    const { ports, state } = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 2 }]), prices: { p: 500 }, stock: { p: [{ warehouseId: 'w', available: 3 }] } });
    await expect(settleOrder({ orderId: '01ORDER', paymentToken: 'tok_ok' }, ports)).resolves.toBe('confirmed');
    expect(state.order).toMatchObject({ status: 'CONFIRMED', totalCents: 1000, eventSeq: 4 });
    expect(state.stock.p![0]!.available).toBe(1);
  });

  it('settles nothing twice: a redelivered message finds the order final', async () => {
    const { ports, state } = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 1 }]), prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 5 }] } });
    await settleOrder({ orderId: '01ORDER', paymentToken: 't' }, ports);
    await expect(settleOrder({ orderId: '01ORDER', paymentToken: 't' }, ports)).resolves.toBe('already-settled');
    expect(state.commits).toBe(1);
    expect(state.stock.p![0]!.available).toBe(4);
  });

  it('rejects PAYMENT_DECLINED for tok_decline and leaves the stock untouched', async () => {
    const { ports, state } = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 1 }]), prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 5 }] } });
    await expect(settleOrder({ orderId: '01ORDER', paymentToken: 'tok_decline' }, ports)).resolves.toBe('rejected');
    expect(state.order).toMatchObject({ status: 'REJECTED', rejectionReason: 'PAYMENT_DECLINED' });
    expect(state.stock.p![0]!.available).toBe(5);
  });

  it('rejects OUT_OF_STOCK and UNKNOWN_PRODUCT before touching the payment', async () => {
    const short = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 9 }]), prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 5 }] } });
    await settleOrder({ orderId: '01ORDER', paymentToken: 't' }, short.ports);
    expect(short.state.order.rejectionReason).toBe('OUT_OF_STOCK');

    const unknown = fakeStore({ order: pendingOrder([{ productId: 'ghost', quantity: 1 }]), prices: {}, stock: {} });
    await settleOrder({ orderId: '01ORDER', paymentToken: 't' }, unknown.ports);
    expect(unknown.state.order.rejectionReason).toBe('UNKNOWN_PRODUCT');
  });

  it('rejects a promotion code while promotions are not offered', async () => {
    const { ports, state } = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 1 }], { promotionCode: 'SAVE10' }), prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 1 }] } });
    await settleOrder({ orderId: '01ORDER', paymentToken: 't' }, ports);
    expect(state.order.rejectionReason).toBe('INVALID_PROMOTION');
  });

  it('re-plans after losing the stock to a concurrent order, voids the hold, and rejects when nothing is left', async () => {
    const { ports, state, raceOnce } = fakeStore({ order: pendingOrder([{ productId: 'p', quantity: 2 }]), prices: { p: 1 }, stock: { p: [{ warehouseId: 'w', available: 2 }] } });
    raceOnce.stealUnits = 2;
    await expect(settleOrder({ orderId: '01ORDER', paymentToken: 't' }, ports)).resolves.toBe('rejected');
    expect(state.order.rejectionReason).toBe('OUT_OF_STOCK');
    expect(state.voided).toEqual(['sim_01ORDER']);
    expect(state.stock.p![0]!.available).toBe(0);
  });

  it('fails loudly for an order that does not exist', async () => {
    const { ports } = fakeStore({ order: pendingOrder([]), prices: {}, stock: {} });
    await expect(settleOrder({ orderId: 'nope', paymentToken: 't' }, { ...ports, getOrder: async () => undefined })).rejects.toBeInstanceOf(OrderNotFoundError);
  });
});
