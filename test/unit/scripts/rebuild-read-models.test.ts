import { describe, expect, it } from 'vitest';
import { Findings } from '../../../scripts/rebuild-projections/findings.ts';
import {
  addOrder,
  addUser,
  boardOf,
  differences,
  emptyReadModels,
  mergeReadModels,
  type SourceOrder,
  USER_DEFAULTS,
} from '../../../scripts/rebuild-projections/read-models.ts';

const order = (orderId: string, status: string, totalCents: number, items: SourceOrder['items'] = []): SourceOrder => ({
  orderId,
  userId: 'u1',
  status,
  totalCents,
  createdAt: `2026-01-01T00:00:0${orderId.slice(-1)}.000Z`,
  items,
});

describe('read models rebuilt from orders', () => {
  const orders = [
    order('o1', 'CONFIRMED', 1000, [{ productId: 'p1', quantity: 2, unitPriceCents: 500 }]),
    order('o2', 'REJECTED', 0, [{ productId: 'p1', quantity: 9, unitPriceCents: 500 }]),
    order('o3', 'PENDING', 300),
    order('o4', 'CONFIRMED', 700, [{ productId: 'p2', quantity: 1, unitPriceCents: 700 }, { productId: 'p1', quantity: 1, unitPriceCents: 500 }]),
    order('o5', 'CONFIRMED', 100),
    order('o6', 'CONFIRMED', 200),
  ];

  it('count confirmed orders into stats and sales, and keep the five newest orders of any status', () => {
    const models = emptyReadModels();
    for (const o of orders) addOrder(models, o);
    expect(models.users.u1).toMatchObject({ orderCount: 4, lifetimeValueCents: 2000 });
    expect(models.users.u1!.recentOrders.map((o) => o.orderId)).toEqual(['o6', 'o5', 'o4', 'o3', 'o2']);
    expect(models.products).toEqual({ p1: { unitsSold: 3, revenueCents: 1500 }, p2: { unitsSold: 1, revenueCents: 700 } });
    expect(boardOf(new Map([['p1', 3], ['p2', 1], ['p3', 0]]), 1)).toEqual([{ productId: 'p1', unitsSold: 3 }]);
  });

  it('add up page by page to the same totals, whatever the split', () => {
    const whole = emptyReadModels();
    for (const o of orders) addOrder(whole, o);
    const split = emptyReadModels();
    for (const page of [orders.slice(0, 2), orders.slice(2, 3), orders.slice(3)]) {
      const models = emptyReadModels();
      for (const o of page) addOrder(models, o);
      mergeReadModels(split, models);
    }
    expect(split).toEqual(whole);
  });

  it('name the fields that differ, an absent item reading as zero', () => {
    const models = emptyReadModels();
    addUser(models, 'u2');
    expect(differences(models.users.u2!, undefined, USER_DEFAULTS)).toEqual([]);
    expect(differences({ ...USER_DEFAULTS, orderCount: 2 }, { orderCount: 99 }, USER_DEFAULTS)).toEqual(['orderCount: 99 → 2']);
  });
});

describe('findings', () => {
  it('count differences with the first five examples, and hold users and products once', () => {
    const total = new Findings();
    const page = new Findings();
    for (let i = 0; i < 7; i++) page.difference('userStats', `u${i}`);
    page.changed({ userId: 'u1', items: [{ productId: 'p1' }, { productId: 'p1' }] });
    total.merge(page);
    total.merge(page);
    expect(total.state.differences.userStats).toEqual({ count: 14, examples: ['u0', 'u1', 'u2', 'u3', 'u4'] });
    expect(total.state).toMatchObject({ heldUsers: ['u1'], heldProducts: ['p1'] });
    expect(total.isHeldUser('u1') && total.isHeldProduct('p1') && !total.isHeldUser('u2')).toBe(true);
  });
});
