import { conditionHeld } from '../../lambdas/adapters/aws-errors.ts';
import { getUnitsSold, readTopProductsBoard, saveTopProducts } from '../../lambdas/adapters/sales-store.ts';
import { ProductSales } from '../../lambdas/model/product-sales.ts';
import { UserStats } from '../../lambdas/model/user-stats.ts';
import type { Findings } from './findings.ts';
import { boardOf, differences, PRODUCT_DEFAULTS, type ProductReadModel, USER_DEFAULTS, type UserReadModel } from './read-models.ts';
import { AGAIN, retry } from '../../lambdas/domain/retry.ts';

/**
 * Compares the per-user and per-product read models with their expected values and, when asked,
 * writes the expected values. Each write is conditioned on the item being as it was just read
 * (its counters, and the `version` the projector's own read-modify-writes check), so a projector
 * write in between is never lost: the item is read again and compared again.
 */

/** Read-compare-write rounds lost to concurrent projector writes before the item is left alone. */
/** Re-reads of an item a live projector changed between our read and our repair. */
const REPAIR_RACES = { attempts: 5, baseMs: 10, capMs: 200 };

/** "As read": the attribute equals the value read, or is absent when it was absent. */
function asRead<A, V>(ops: { notExists: (attribute: A) => string; eq: (attribute: A, value: V) => string }, attribute: A, read: V | undefined): string {
  return read === undefined ? ops.notExists(attribute) : ops.eq(attribute, read);
}

async function reconcile<L extends Record<string, unknown>>(steps: {
  read: () => Promise<L | undefined>;
  compare: (live: L | undefined) => string[];
  /** False when the item changed since it was read (a failed condition). */
  write: (live: L | undefined) => Promise<boolean>;
  report: (changes: string[]) => void;
  apply: boolean;
}): Promise<'agrees' | 'repaired' | 'reported' | 'contended'> {
  const outcome = await retry(REPAIR_RACES, async (attempt) => {
    const live = await steps.read();
    const changes = steps.compare(live);
    if (changes.length === 0) return attempt === 1 ? 'agrees' : 'repaired';
    if (attempt === 1) steps.report(changes);
    if (!steps.apply) return 'reported';
    return (await steps.write(live)) ? 'repaired' : AGAIN;
  });
  return outcome === AGAIN ? 'contended' : outcome;
}

/** The stats the projector reads back: only the fields it projects, recent orders in their stored shape. */
const userFields = (stats: Record<string, unknown> | undefined) =>
  stats && {
    orderCount: stats.orderCount as number | undefined,
    lifetimeValueCents: stats.lifetimeValueCents as number | undefined,
    recentOrders: ((stats.recentOrders ?? []) as UserReadModel['recentOrders']).map(({ orderId, status, totalCents, createdAt }) => ({ orderId, status, totalCents, createdAt })),
  };

export async function reconcileUser(userId: string, expected: UserReadModel, findings: Findings, apply: boolean) {
  return reconcile({
    read: async () => (await UserStats.get({ userId }).go({ consistent: true })).data ?? undefined,
    compare: (live) => differences(expected, userFields(live), USER_DEFAULTS),
    report: (changes) => findings.difference('userStats', `${userId}: ${changes.join(', ')}`),
    apply,
    write: (live) =>
      conditionHeld(
        UserStats.update({ userId })
          // A new version: a projector holding the old one reads again before rewriting recent orders.
          .set({ ...expected, version: (live?.version ?? 0) + 1 })
          .where((attr, ops) =>
            [asRead(ops, attr.version, live?.version), asRead(ops, attr.orderCount, live?.orderCount), asRead(ops, attr.lifetimeValueCents, live?.lifetimeValueCents)].join(' AND '),
          )
          .go(),
      ),
  });
}

export async function reconcileProduct(productId: string, expected: ProductReadModel, findings: Findings, apply: boolean) {
  return reconcile({
    read: async () => (await ProductSales.get({ productId }).go({ consistent: true })).data ?? undefined,
    compare: (live) => differences(expected, live && { unitsSold: live.unitsSold, revenueCents: live.revenueCents }, PRODUCT_DEFAULTS),
    report: (changes) => findings.difference('productSales', `${productId}: ${changes.join(', ')}`),
    apply,
    write: (live) =>
      conditionHeld(
        ProductSales.update({ productId })
          .set({ ...expected, schemaVersion: 1 })
          .where((attr, ops) => `${asRead(ops, attr.unitsSold, live?.unitsSold)} AND ${asRead(ops, attr.revenueCents, live?.revenueCents)}`)
          .go(),
      ),
  });
}

/**
 * The top-products board from the rebuilt units sold; products left alone (held) count with their
 * live units, which the projector keeps. The projector only ever raises a product's units on the
 * board, so a board corrupted upwards is put right here only.
 */
export async function reconcileBoard(products: Record<string, ProductReadModel>, held: readonly string[], size: number, findings: Findings, apply: boolean) {
  const units = new Map(Object.entries(products).map(([productId, sales]) => [productId, sales.unitsSold]));
  for (const [productId, sold] of await getUnitsSold(held)) units.set(productId, sold);
  const expected = boardOf(units, size);
  let version: number | undefined;
  return reconcile({
    read: async () => {
      const board = await readTopProductsBoard();
      version = board.version;
      return { products: board.products };
    },
    compare: (live) => differences({ products: expected }, live, { products: [] }),
    report: (changes) => findings.difference('topProducts', changes.join(', ')),
    apply,
    write: async () => (await saveTopProducts(expected, version)) === 'saved',
  });
}
