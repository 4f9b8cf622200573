import type { OrderSummary } from '../../../lambdas/domain/order-rules.ts';
import type { ProductSale, RankedProduct } from '../../../lambdas/domain/sales.ts';
import type { OrderProjectionPorts } from '../../../lambdas/projections/project-order.ts';

/**
 * In-memory read models with the guards of the real writes: the history keeps the later status, an
 * order is counted (in the user's stats, in product sales) once, and the recent orders and the board
 * are saved only at the version read. `races` makes the next saves or confirmations lose to a concurrent writer.
 */
export function fakeReadModels(initial: { board?: { products: RankedProduct[]; version: number }; unitsSold?: Record<string, number>; boardSize?: number } = {}) {
  const history = new Map<string, OrderSummary>();
  const stats = { orderCount: 0, lifetimeValueCents: 0, recent: [] as OrderSummary[], version: undefined as number | undefined };
  const sold = new Map(Object.entries(initial.unitsSold ?? {}).map(([productId, units]) => [productId, { units, revenueCents: 0 }]));
  let board = structuredClone(initial.board ?? { products: [] as RankedProduct[], version: undefined as number | undefined });
  const races = { recentOrders: 0, board: 0, sales: 0 };
  const log = {
    confirmations: [] as Array<{ orderId: string; sales: readonly ProductSale[]; recentOrders: { orders: OrderSummary[]; version: number | undefined } | undefined }>,
    recentSaves: [] as Array<{ orders: OrderSummary[]; version: number | undefined }>,
    boardSaves: [] as Array<{ products: RankedProduct[]; version: number | undefined }>,
  };

  const ports: OrderProjectionPorts = {
    history: {
      record: async (_userId, summary) => {
        const current = history.get(summary.orderId);
        if (current && !(summary.status !== 'PENDING' && current.status === 'PENDING')) return 'superseded';
        history.set(summary.orderId, { ...summary });
        return 'recorded';
      },
    },
    stats: {
      readRecentOrders: async () => ({ orders: structuredClone(stats.recent), version: stats.version }),
      saveRecentOrders: async (_userId, orders, version) => {
        log.recentSaves.push({ orders: structuredClone(orders), version });
        if (races.recentOrders > 0 && races.recentOrders--) {
          stats.version = (stats.version ?? 0) + 1; // another projector of the same user saved first
          return 'raced';
        }
        if (version !== stats.version) return 'raced';
        stats.recent = structuredClone(orders);
        stats.version = (version ?? 0) + 1;
        return 'saved';
      },
    },
    // One transaction, as in the table: the history entry is the guard, and nothing is written unless all is.
    confirmed: {
      record: async ({ summary, recentOrders, sales }) => {
        log.confirmations.push({ orderId: summary.orderId, sales, recentOrders: structuredClone(recentOrders) });
        const current = history.get(summary.orderId);
        if (current && current.status !== 'PENDING') return 'already-recorded';
        if (races.recentOrders > 0 && races.recentOrders--) {
          stats.version = (stats.version ?? 0) + 1;
          return 'raced';
        }
        if (recentOrders && recentOrders.version !== stats.version) return 'raced';
        if (races.sales > 0 && races.sales--) return 'contended';
        history.set(summary.orderId, { ...summary });
        stats.orderCount += 1;
        stats.lifetimeValueCents += summary.totalCents;
        if (recentOrders) {
          stats.recent = structuredClone(recentOrders.orders);
          stats.version = (recentOrders.version ?? 0) + 1;
        }
        for (const sale of sales) {
          const before = sold.get(sale.productId) ?? { units: 0, revenueCents: 0 };
          sold.set(sale.productId, { units: before.units + sale.units, revenueCents: before.revenueCents + sale.revenueCents });
        }
        return 'recorded';
      },
    },
    sales: {
      unitsSold: async (productIds) => new Map(productIds.map((productId) => [productId, sold.get(productId)?.units ?? 0])),
    },
    board: {
      size: initial.boardSize ?? 20,
      read: async () => structuredClone(board),
      save: async (products, version) => {
        log.boardSaves.push({ products: structuredClone(products), version });
        // A concurrent projector wrote in between; as in the real table, nothing of ours is written.
        if (races.board > 0 && races.board--) return 'raced';
        if (version !== board.version) return 'raced';
        board = { products: structuredClone(products), version: (version ?? 0) + 1 };
        return 'saved';
      },
    },
  };
  return { ports, history, stats, sold, races, log, board: () => board };
}
