import { describe, expect, it } from 'vitest';
import type { Order, RecordedOrderEvent } from '../../../lambdas/domain/order-rules.ts';
import { readOrder, readOrderEvents } from '../../../lambdas/orders/read-order.ts';

const order: Order = { orderId: 'o1', userId: 'owner', status: 'PENDING', items: [{ productId: 'p', quantity: 1 }], eventSeq: 1, createdAt: 'c', updatedAt: 'u' };
const events: RecordedOrderEvent[] = [{ orderId: 'o1', userId: 'owner', seq: 1, type: 'OrderPlaced', at: 'c', data: {} }];
const ports = { getOrder: async (id: string) => (id === 'o1' ? order : undefined), getOrderEvents: async (id: string) => (id === 'o1' ? events : []) };

describe('reading an order', () => {
  it('shows the order and its events to its owner and to an admin, and to anyone else as missing', async () => {
    expect(await readOrder({ userId: 'owner', isAdmin: false }, 'o1', ports)).toBe(order);
    expect(await readOrder({ userId: 'boss', isAdmin: true }, 'o1', ports)).toBe(order);
    expect(await readOrder({ userId: 'someone-else', isAdmin: false }, 'o1', ports)).toBeUndefined();
    expect(await readOrderEvents({ userId: 'owner', isAdmin: false }, 'o1', ports)).toBe(events);
    expect(await readOrderEvents({ userId: 'someone-else', isAdmin: false }, 'o1', ports)).toBeUndefined();
  });

  it('is missing when there is no such order, even to an admin', async () => {
    expect(await readOrder({ userId: 'boss', isAdmin: true }, 'nope', ports)).toBeUndefined();
    expect(await readOrderEvents({ userId: 'boss', isAdmin: true }, 'nope', ports)).toBeUndefined();
  });
});
