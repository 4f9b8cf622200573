import { removeOrderedCartLines } from '../adapters/cart-store.ts';
import { getProducts, getStock } from '../adapters/catalog-store.ts';
import { getOrder } from '../adapters/order-reads.ts';
import { getPromotion } from '../adapters/promotion-store.ts';
import { commitConfirmation, commitRejection } from '../adapters/settlement-store.ts';
import type { SettlementPorts } from '../ports/orders.ts';

/** The table-backed ports of settlement, wired once: the worker adds its payment provider, clock and metrics. */
export const settlementStores = {
  getOrder,
  products: getProducts,
  stock: getStock,
  promotion: getPromotion,
  commitConfirmation,
  commitRejection,
  removeOrderedLines: removeOrderedCartLines,
} satisfies Partial<SettlementPorts>;
