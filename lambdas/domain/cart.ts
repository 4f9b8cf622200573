/**
 * Cart rules (SPEC §2, §4): one line per product, and the whole cart expires CART_TTL_SECONDS after
 * its last change — every change moves the TTL of every line, so lines never expire one by one.
 */
import { ValidationError } from './errors.ts';
import { expiresAt, isLive, isoFromEpoch } from './expiry.ts';

/** Distinct products in one cart: each change rewrites every line in one transaction (≤ 100 items). */
export const MAX_CART_LINES = 50;

export interface CartLine {
  productId: string;
  quantity: number;
  addedAt: string;
  /** Epoch seconds; DynamoDB deletes the line some time after it. */
  ttl: number;
}

/** A line as a fromCart order records it: enough to remove exactly that line once CONFIRMED. */
export type OrderedCartLine = Pick<CartLine, 'productId' | 'quantity' | 'addedAt'>;

/** Set a product's quantity; 0 removes its line. */
export interface CartChange {
  productId: string;
  quantity: number;
}

/** The writes of one cart change and the cart they leave behind. */
export interface CartPlan {
  /** The changed line, or the product whose line is removed. */
  write: { put: CartLine } | { remove: string };
  /** The other lines, whose expiry moves with the cart. */
  touch: string[];
  ttl: number;
  lines: CartLine[];
}

/** Lines past their TTL are gone for the customer, whether or not DynamoDB has deleted them yet. */
export function liveLines<T extends CartLine>(lines: readonly T[], now: Date): T[] {
  return lines.filter((line) => isLive(line, now));
}

/**
 * Plans a change against the cart's live lines. A line keeps the time it was first added while it
 * lives; settlement identifies the ordered lines by it. Refuses a line past MAX_CART_LINES.
 */
export function planCartChange(live: readonly CartLine[], change: CartChange, now: Date, ttlSeconds: number): CartPlan {
  const ttl = expiresAt(now, ttlSeconds);
  const existing = live.find((line) => line.productId === change.productId);
  const others = live.filter((line) => line.productId !== change.productId);
  if (change.quantity > 0 && !existing && others.length >= MAX_CART_LINES) {
    throw new ValidationError(`A cart holds at most ${MAX_CART_LINES} products`, [
      { path: 'productId', message: `the cart already has ${MAX_CART_LINES} products` },
    ]);
  }
  const touched = others.map((line) => ({ ...line, ttl }));
  if (change.quantity === 0) {
    return { write: { remove: change.productId }, touch: others.map((line) => line.productId), ttl, lines: touched };
  }
  const put = { productId: change.productId, quantity: change.quantity, addedAt: existing?.addedAt ?? now.toISOString(), ttl };
  const lines = [...touched, put].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  return { write: { put }, touch: others.map((line) => line.productId), ttl, lines };
}

/** The cart as the API shows it: `expiresAt` is when its first line expires, null for an empty cart. */
export function cartView(lines: readonly CartLine[]) {
  const ttl = lines.length > 0 ? Math.min(...lines.map((line) => line.ttl)) : undefined;
  return {
    items: lines.map(({ productId, quantity, addedAt }) => ({ productId, quantity, addedAt })),
    expiresAt: ttl === undefined ? null : isoFromEpoch(ttl),
  };
}
