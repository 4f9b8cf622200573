import type { Sandbox } from '../sandbox/index.ts';
import { burst, type Outcome, settle, watchOutcomes } from './bursts.ts';
import type { Figure } from './figures.ts';
import { progress } from './progress.ts';
import { pooled, Shop, type Customer } from './shop.ts';
import { ratios, summarize } from './stats.ts';
import { StreamWatch } from './stream-watch.ts';

/**
 * The Black Friday scenario (SPEC §7, issue 9): one product, thousands of units, hundreds of
 * buyers at once, each wanting 1–3 units — more than there is, so it sells out. Its settled
 * orders/s is held against the same orders spread over SPREAD_PRODUCTS products in the same round,
 * and every round checks that no unit was sold twice: confirmed units + units left = the stock.
 * The product's stock is split over STOCK_BUCKET_COUNT buckets by PUT inventory (decision 0013).
 */
export interface BlackFridayOptions {
  readonly rounds: number;
  /** Orders of each burst (the spread one and the hot one). */
  readonly hotOrders: number;
  /** Units of the hot product, in one warehouse: fewer than the orders want together. */
  readonly hotUnits: number;
  /** Buyers placing orders at once. */
  readonly hotConcurrency: number;
}

export const SPREAD_PRODUCTS = 20;
const PLENTY = 1_000_000;

/** Units the i-th buyer wants: 1, 2, 3, 1, … (2 on average). */
const wanted = (i: number) => 1 + (i % 3);

export interface BlackFridayRows {
  readonly spreadPerSecond: number[];
  readonly hotPerSecond: number[];
  readonly oversold: number[];
  readonly notes: string[];
}

export const emptyRows = (): BlackFridayRows => ({ spreadPerSecond: [], hotPerSecond: [], oversold: [], notes: [] });

export interface Storefront {
  readonly sandbox: Sandbox;
  readonly shop: Shop;
  readonly outcomes: Map<string, Outcome>;
  readonly customers: readonly Customer[];
  /** SPREAD_PRODUCTS products with plenty of stock. */
  readonly products: readonly string[];
}

/** One round: the spread burst, then the hot one on a fresh product; adds to `rows`. */
export async function blackFridayRound(store: Storefront, options: BlackFridayOptions, round: number, rows: BlackFridayRows): Promise<void> {
  const { sandbox, shop, outcomes, customers, products } = store;
  const tag = `round ${round}/${options.rounds}`;
  progress(`black friday ${tag}: ${options.hotOrders} orders of 1–3 units over ${SPREAD_PRODUCTS} products at concurrency ${options.hotConcurrency}`);
  const spread = await burst(shop, outcomes, customers, options.hotOrders, options.hotConcurrency, (i) => [{ productId: products[i % SPREAD_PRODUCTS]!, quantity: wanted(i) }], `spread ${tag}`);
  rows.spreadPerSecond.push(spread.perSecond);
  await settle(sandbox, 300_000);

  const hot = await shop.product(`hot${round}`, { w1: options.hotUnits });
  progress(`black friday ${tag}: ${options.hotOrders} orders of 1–3 units for one product of ${options.hotUnits} units at concurrency ${options.hotConcurrency}`);
  const rush = await burst(shop, outcomes, customers, options.hotOrders, options.hotConcurrency, (i) => [{ productId: hot, quantity: wanted(i) }], `hot ${tag}`);
  rows.hotPerSecond.push(rush.perSecond);
  await settle(sandbox, 300_000);

  const confirmed = rush.orders.filter(({ orderId }) => outcomes.get(orderId)?.status === 'CONFIRMED');
  const confirmedUnits = confirmed.reduce((sum, order) => sum + order.items.reduce((units, line) => units + line.quantity, 0), 0);
  const left = await shop.stockOf(hot);
  // Units confirmed beyond the stock, or stock below zero.
  rows.oversold.push(Math.max(0, confirmedUnits - (options.hotUnits - left)) + Math.max(0, -left));
  const unaccounted = options.hotUnits - left - confirmedUnits;
  rows.notes.push(
    `hot ${tag}: ${confirmed.length} orders (${confirmedUnits} units) confirmed, ${options.hotOrders - confirmed.length} rejected, ${left} of ${options.hotUnits} units left` +
      (unaccounted === 0 ? '' : `, ${unaccounted} units taken but not confirmed`) +
      (rush.missing ? `, ${rush.missing} orders not terminal in time` : ''),
  );
}

export function blackFridayFigures(rows: BlackFridayRows, options: BlackFridayOptions, section = 'order path'): Figure[] {
  return [
    {
      section,
      name: `one hot product: settled orders/s (Black Friday, ${options.hotOrders} orders for ${options.hotUnits} units at ${options.hotConcurrency})`,
      unit: 'orders/s',
      value: summarize(rows.hotPerSecond),
      baseline: { name: `${SPREAD_PRODUCTS} products, same orders`, value: summarize(rows.spreadPerSecond) },
      ratio: ratios(rows.hotPerSecond, rows.spreadPerSecond),
      budget: { on: 'ratio', direction: 'at least', limit: 0.5 },
      note: rows.notes.join('; '),
    },
    {
      section,
      name: 'one hot product: units oversold',
      unit: 'units',
      value: summarize(rows.oversold),
      note: 'SPEC: 0. confirmed units + units left must equal the stock',
    },
  ];
}

/** The scenario alone, on a sandbox of its own (`npm run bench -- --only=black-friday`). */
export async function blackFriday(sandbox: Sandbox, options: BlackFridayOptions): Promise<Figure[]> {
  const shop = await Shop.open(sandbox);
  const watch = new StreamWatch(sandbox.endpoints.dynamodb, sandbox.tableName);
  const outcomes = new Map<string, Outcome>();
  watchOutcomes(watch, outcomes);
  await watch.start();
  try {
    progress('black friday: products and customers');
    await shop.product('first', { w1: 1 });
    const products = await pooled(Array.from({ length: SPREAD_PRODUCTS }, (_, i) => i), 2, (i) => shop.product(`p${i}`, { w1: PLENTY }));
    const customers = await shop.customers(Math.min(options.hotConcurrency, 200), 4);
    progress('black friday: warm-up orders');
    await pooled(customers.slice(0, 10), 4, (customer, i) => shop.placeOrder(customer, [{ productId: products[i % SPREAD_PRODUCTS]!, quantity: 1 }]));
    await settle(sandbox, 120_000);

    const rows = emptyRows();
    for (let round = 1; round <= options.rounds; round++) await blackFridayRound({ sandbox, shop, outcomes, customers, products }, options, round, rows);
    return blackFridayFigures(rows, options, 'black friday');
  } finally {
    await watch.stop();
  }
}
