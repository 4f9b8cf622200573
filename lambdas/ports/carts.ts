import type { CartLine, CartPlan, OrderedCartLine } from '../domain/cart.ts';

/**
 * What the cart's use cases need of the store, one capability an interface. Implemented for
 * DynamoDB by adapters/cart-store.ts; tests pass in-memory fakes.
 */

/** AP7: the user's unexpired lines, read consistently — a change plans from them. */
export interface CartLines {
  liveLines(userId: string, now: Date): Promise<CartLine[]>;
}

/** 'contended': a concurrent change of the same cart got in first; the plan is stale. */
export type CartWrite = 'written' | 'contended';

/** Writes one planned change, all or nothing. */
export interface CartChanges {
  writeChange(userId: string, plan: CartPlan): Promise<CartWrite>;
}

/** Settlement: removes the lines an order was placed from, each only while it is still that line. */
export interface OrderedLinesRemoval {
  removeOrderedLines(userId: string, lines: readonly OrderedCartLine[]): Promise<void>;
}

export type CartStore = CartLines & CartChanges & OrderedLinesRemoval;
