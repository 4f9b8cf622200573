import type { CartLine } from '../../lambdas/domain/cart.ts';
import type { Product } from '../../lambdas/domain/catalog.ts';
import { liveLines } from '../../lambdas/domain/cart.ts';
import type { Promotion } from '../../lambdas/domain/promotions.ts';
import type { AccountStats, UserRecord } from '../../lambdas/domain/user-profile.ts';
import type { CartStore, CartWrite } from '../../lambdas/ports/carts.ts';
import type { CatalogStore, ProductReplacement } from '../../lambdas/ports/catalog.ts';
import type { PromotionStore } from '../../lambdas/ports/promotions.ts';
import type { ProfileCommit, UserStore } from '../../lambdas/ports/users.ts';
import type { WishlistStore } from '../../lambdas/ports/wishlists.ts';

/**
 * In-memory stores of the shop's ports, with the guards of the real writes, and a log of the calls
 * each received — what the use-case and route tests look at instead of DynamoDB requests.
 */

export const product = (productId: string, fields: Partial<Product> = {}): Product => ({
  productId,
  name: `Product ${productId}`,
  description: '',
  priceCents: 500,
  currency: 'USD',
  categories: [],
  attributes: {},
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...fields,
});

/** A cart whose writes can be made to lose races: `contend` answers 'contended' that many times. */
export function fakeCarts(initial: CartLine[] = []) {
  const state = { lines: [...initial], contend: 0, reads: 0, writes: [] as Parameters<CartStore['writeChange']>[1][] };
  const store: CartStore = {
    liveLines: async (_userId, now) => {
      state.reads++;
      return liveLines(state.lines, now).map((line) => ({ ...line }));
    },
    writeChange: async (_userId, plan): Promise<CartWrite> => {
      state.writes.push(plan);
      if (state.contend > 0) {
        state.contend--;
        return 'contended';
      }
      state.lines = plan.lines.map((line) => ({ ...line }));
      return 'written';
    },
    removeOrderedLines: async () => {},
  };
  return { state, store };
}

/** A catalog table; `contend` makes that many product writes lose their race. */
export function fakeCatalog(products: Product[] = []) {
  const state = {
    products: new Map(products.map((p) => [p.productId, p])),
    stock: new Map<string, Map<string, number>>(),
    contend: 0,
    reads: [] as string[],
    pages: [] as string[],
    replaced: [] as Array<{ productId: string; previous: Product | undefined }>,
  };
  const store: CatalogStore = {
    product: async (productId) => {
      state.reads.push(productId);
      return state.products.get(productId);
    },
    products: async (ids) => new Map(ids.flatMap((id) => (state.products.has(id) ? [[id, state.products.get(id)!] as const] : []))),
    currentVersion: async (productId) => {
      state.reads.push(productId);
      return state.products.get(productId);
    },
    replaceProduct: async (input, previous, now): Promise<ProductReplacement> => {
      state.replaced.push({ productId: input.productId, previous });
      const current = state.products.get(input.productId);
      if (state.contend > 0 || current?.updatedAt !== previous?.updatedAt) {
        state.contend = Math.max(0, state.contend - 1);
        return { outcome: 'contended' };
      }
      const written = product(input.productId, { ...input, createdAt: previous?.createdAt ?? now, updatedAt: now });
      state.products.set(input.productId, written);
      return { outcome: 'replaced', product: written };
    },
    categoryPage: async (categoryId, page) => {
      state.pages.push(categoryId);
      const members = [...state.products.values()].filter((p) => p.categories.includes(categoryId) && (!page.after || p.productId > page.after));
      members.sort((a, b) => (a.productId < b.productId ? -1 : 1));
      const items = members.slice(0, page.limit);
      return { items, after: members.length > page.limit ? items.at(-1)!.productId : null };
    },
    stock: async (productId) => [...(state.stock.get(productId) ?? new Map<string, number>())].map(([warehouseId, available]) => ({ warehouseId, available })),
    setStock: async (productId, warehouseId, available) => {
      state.stock.set(productId, (state.stock.get(productId) ?? new Map<string, number>()).set(warehouseId, available));
    },
  };
  return { state, store };
}

/**
 * Users and their email claims, with the transaction's guards: the claim must be absent or the
 * user's, the user must still be the revision read, and a released claim must be the user's.
 */
export function fakeUsers(users: UserRecord[] = [], claims: Record<string, string> = {}) {
  const state = {
    users: new Map(users.map((u) => [u.userId, u])),
    claims: new Map(Object.entries(claims)),
    stats: new Map<string, AccountStats>(),
    /** Outcomes to answer before the guards are looked at, one per commit (a concurrent writer). */
    interfere: [] as ProfileCommit[],
    reads: [] as Array<{ userId: string; consistent: boolean | undefined }>,
    commits: [] as Array<{ next: UserRecord; releasePreviousEmail: boolean }>,
  };
  const store: UserStore = {
    user: async (userId, options) => {
      state.reads.push({ userId, consistent: options?.consistent });
      return state.users.get(userId);
    },
    commitProfile: async (previous, next, { releasePreviousEmail }) => {
      state.commits.push({ next, releasePreviousEmail });
      const interfering = state.interfere.shift();
      if (interfering) return interfering;
      const claim = next.email.toLowerCase();
      if ((state.claims.get(claim) ?? next.userId) !== next.userId) return 'email-taken';
      if (state.users.get(next.userId)?.revision !== previous?.revision) return 'contended';
      const old = previous?.email.toLowerCase();
      const releasing = releasePreviousEmail && old !== undefined && old !== claim ? old : undefined;
      if (releasing && (state.claims.get(releasing) ?? next.userId) !== next.userId) return 'old-email-not-ours';
      if (releasing) state.claims.delete(releasing);
      state.claims.set(claim, next.userId);
      state.users.set(next.userId, next);
      return 'saved';
    },
    account: async (userId) => {
      const user = state.users.get(userId);
      const stats = state.stats.get(userId);
      return { ...(user ? { user } : {}), ...(stats ? { stats } : {}) };
    },
  };
  return { state, store };
}

export function fakeWishlists() {
  const state = { entries: new Map<string, Set<string>>(), pages: [] as Array<{ limit: number; after?: string }> };
  const of = (userId: string) => state.entries.get(userId) ?? state.entries.set(userId, new Set()).get(userId)!;
  const store: WishlistStore = {
    wishlistPage: async (userId, page) => {
      state.pages.push(page);
      const ids = [...of(userId)].sort().filter((id) => !page.after || id > page.after);
      const productIds = ids.slice(0, page.limit);
      return { productIds, after: ids.length > page.limit ? productIds.at(-1)! : null };
    },
    addToWishlist: async (userId, productId) => void of(userId).add(productId),
    removeFromWishlist: async (userId, productId) => void of(userId).delete(productId),
  };
  return { state, store };
}

/** Promotions; putTerms keeps the redemption count like the real UpdateItem. */
export function fakePromotions(initial: Promotion[] = []) {
  const state = { promotions: new Map(initial.map((p) => [p.code, p])), puts: [] as Array<Parameters<PromotionStore['putTerms']>> };
  const store: PromotionStore = {
    promotion: async (code) => state.promotions.get(code),
    putTerms: async (code, terms, now) => {
      state.puts.push([code, terms, now]);
      const written: Promotion = { code, ...terms, redemptions: state.promotions.get(code)?.redemptions ?? 0, updatedAt: now };
      state.promotions.set(code, written);
      return written;
    },
  };
  return { state, store };
}
