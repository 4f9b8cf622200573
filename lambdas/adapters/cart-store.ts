import { Service } from 'electrodb';
import { type CartLine, type CartPlan, liveLines, type OrderedCartLine } from '../domain/cart.ts';
import { CartItem } from '../model/cart-item.ts';
import { entityConfig } from '../model/table.ts';
import type { CartStore, CartWrite } from '../ports/carts.ts';
import { isConditionFailure } from './aws-errors.ts';

/** The cart's entity, for its transactions — a service of its own, so that a function constructs only the entities its adapters use. */
const carts = new Service({ cartItem: CartItem }, entityConfig);

/** Settlement removes a fromCart order's lines this many at a time (≤ 50 lines per cart). */
const REMOVAL_CONCURRENCY = 10;

/**
 * AP7: the user's unexpired cart lines — one Query on the user's partition. Consistent, because a
 * change plans from it and an order is placed from it right after the customer's last edit.
 */
export async function getCartLines(userId: string, now: Date): Promise<CartLine[]> {
  const { data } = await CartItem.query.byUser({ userId }).go({ consistent: true, pages: 'all' });
  return liveLines(data, now).map(({ productId, quantity, addedAt, ttl }) => ({ productId, quantity, addedAt, ttl }));
}

/**
 * Writes one cart change in one transaction: the changed line, and the new expiry on every other
 * line, each conditioned on still existing (a line removed concurrently is not resurrected as a
 * stub). 'contended' means a concurrent change got in first: re-read and plan again.
 */
export async function writeCartChange(userId: string, plan: CartPlan): Promise<CartWrite> {
  const { canceled, data } = await carts.transaction
    .write(({ cartItem }) => [
      'put' in plan.write
        ? cartItem.put({ userId, ...plan.write.put }).commit()
        : cartItem.delete({ userId, productId: plan.write.remove }).commit(),
      ...plan.touch.map((productId) => cartItem.patch({ userId, productId }).set({ ttl: plan.ttl }).commit()),
    ])
    .go();
  if (!canceled) return 'written';
  if (data.some((result) => result.code === 'ConditionalCheckFailed' || result.code === 'TransactionConflict')) return 'contended';
  throw new Error(`Cart change of ${userId} was canceled: ${data.map((result) => result.code).join(',')}`);
}

/**
 * Removes the cart lines an order was placed from, each only while it is still that line (same
 * quantity and addedAt): a line changed or re-added since is the customer's newer intent. Safe to
 * repeat — a redelivered settlement finds the lines gone and changes nothing.
 */
export async function removeOrderedCartLines(userId: string, lines: readonly OrderedCartLine[]): Promise<void> {
  for (let start = 0; start < lines.length; start += REMOVAL_CONCURRENCY) {
    await Promise.all(
      lines.slice(start, start + REMOVAL_CONCURRENCY).map(async (line) => {
        try {
          await CartItem.delete({ userId, productId: line.productId })
            .where(({ quantity, addedAt }, { eq }) => `${eq(quantity, line.quantity)} AND ${eq(addedAt, line.addedAt)}`)
            .go();
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }),
    );
  }
}

export const cartStore: CartStore = {
  liveLines: getCartLines,
  writeChange: writeCartChange,
  removeOrderedLines: removeOrderedCartLines,
};
