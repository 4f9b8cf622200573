import { type CartLine, planCartChange } from '../domain/cart.ts';
import { AGAIN, retry } from '../domain/retry.ts';
import type { CartChanges, CartLines } from '../ports/carts.ts';
import type { ProductLookup } from '../ports/catalog.ts';

export interface ChangeCartRequest {
  userId: string;
  productId: string;
  /** The line's new quantity; 0 removes it. */
  quantity: number;
}

export interface ChangeCartPorts {
  carts: CartLines & CartChanges;
  catalog: ProductLookup;
  /** SPEC §2: the whole cart expires this long after its last change. */
  cartTtlSeconds: number;
  now: () => Date;
}

export type ChangeCartOutcome = { outcome: 'changed'; lines: CartLine[] } | { outcome: 'unknown-product' } | { outcome: 'contended' };

/** Concurrent changes of one cart are rare (one customer); a few re-plans settle them. */
const CART_RACES = { attempts: 3, baseMs: 10, capMs: 100 };

/**
 * Sets a line's quantity (0 removes it). Only catalog products can be added; removing asks no one.
 * Reads the live cart, plans the change (new expiry for every line) and writes it in one go. A
 * concurrent change of the same cart makes the write 'contended': plan again from a fresh read.
 * A 51st product is refused by the plan (ValidationError).
 */
export async function changeCart(request: ChangeCartRequest, ports: ChangeCartPorts): Promise<ChangeCartOutcome> {
  const { userId, productId, quantity } = request;
  if (quantity > 0 && !(await ports.catalog.product(productId))) return { outcome: 'unknown-product' };
  const lines = await retry(CART_RACES, async () => {
    const now = ports.now();
    const plan = planCartChange(await ports.carts.liveLines(userId, now), { productId, quantity }, now, ports.cartTtlSeconds);
    return (await ports.carts.writeChange(userId, plan)) === 'written' ? plan.lines : AGAIN;
  });
  return lines === AGAIN ? { outcome: 'contended' } : { outcome: 'changed', lines };
}
