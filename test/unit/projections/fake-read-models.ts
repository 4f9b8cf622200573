import type { OrderSummary } from '../../../lambdas/domain/order-rules.ts';
import type { ProductSale, RankedProduct } from '../../../lambdas/domain/sales.ts';
import type { OrderProjectionPorts } from '../../../lambdas/projections/project-order.ts';

/**
 * In-memory read models with the guards of the real writes: the history keeps the later status, an
 * order is counted (in the user's stats, in product sales) once, and the recent orders and the board
 * are saved only at the version read. `races` makes the next saves or counts lose to a concurrent writer.
 */
export function fakeReadModels(initial: { board?: { products: RankedProduct[]; version: number }; unitsSold?: Record<string, number>; boardSize?: number } = {}) {
  const history = new Map<string, OrderSummary>();
  const stats = { orderCount: 0, lifetimeValueCents: 0, counted: new Set<string>(), recent: [] as OrderSummary[], version: undefined as number | undefined };
  const sold = new Map(Object.entries(initial.unitsSold ?? {}).map(([productId, units]) => [productId, { units, revenueCents: 0 }]));
  const salesCounted = new Set<string>();
  let board = structuredClone(initial.board ?? { products: [] as RankedProduct[], version: undefined as number | undefined });
  const races = { recentOrders: 0, board: 0, sales: 0 };
  const log = { salesCounts: [] as Array<{ orderId: string; sales: readonly ProductSale[]; at: string }>, recentSaves: [] as Array<{ orders: OrderSummary[]; version: number | undefined }>, boardSaves: [] as Array<{ products: RankedProduct[]; version: number | undefined }> };

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
      countConfirmedOrder: async (_userId, orderId, totalCents) => {
        if (stats.counted.has(orderId)) return 'already-counted';
        stats.counted.add(orderId);
        stats.orderCount += 1;
        stats.lifetimeValueCents += totalCents;
        return 'counted';
      },
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
    sales: {
      count: async (orderId, sales, at) => {
        log.salesCounts.push({ orderId, sales, at });
        if (races.sales > 0 && races.sales--) return 'contended';
        if (salesCounted.has(orderId)) return 'already-counted';
        salesCounted.add(orderId);
        for (const sale of sales) {
          const current = sold.get(sale.productId) ?? { units: 0, revenueCents: 0 };
          sold.set(sale.productId, { units: current.units + sale.units, revenueCents: current.revenueCents + sale.revenueCents });
        }
        return 'counted';
      },
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
    now: () => '2026-11-24T00:00:05.000Z',
  };
  return { ports, history, stats, sold, races, log, board: () => board };
}
