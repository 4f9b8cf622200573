import { DescribeTableCommand, DynamoDBClient, type TransactWriteItemsInput } from '@aws-sdk/client-dynamodb';
import type { Sandbox } from '../sandbox/index.ts';
import type { CallTap } from './call-tap.ts';
import type { Figure } from './figures.ts';
import { progress, ticker } from './progress.ts';
import { RawTable } from './raw.ts';
import { pooled, Shop, type Customer, type Line, type Placement } from './shop.ts';
import { percentile, ratios, summarize } from './stats.ts';
import { StreamWatch, type WatchedRecord } from './stream-watch.ts';
import { WRITE_FLOOR_UNITS, writeUnits, type IndexKeys } from './write-units.ts';

/** Sizes of the order-path scenarios; `--quick` shrinks them. */
export interface OrderPathOptions {
  readonly rounds: number;
  /** SPEC §7: 600 orders of 1–3 lines at concurrency 16. */
  readonly orders: number;
  readonly concurrency: number;
  /** Sequential POST /orders and raw placements per round (latency p50). */
  readonly latencySamples: number;
  /** The Black Friday scenario: orders for one product, at hundreds of concurrent buyers. */
  readonly hotOrders: number;
  readonly hotConcurrency: number;
  /** Fresh 1-line orders whose writes are counted, per round. */
  readonly writeOrders: number;
}

const SPREAD_PRODUCTS = 20;
const PLENTY = 1_000_000;
const TERMINAL = new Set(['CONFIRMED', 'REJECTED']);

interface Outcome {
  readonly status: string;
  readonly at: number;
}

/**
 * Every order-path figure of SPEC §7 on one running sandbox, each against a baseline run in the
 * same round on the same DynamoDB Local (bench/raw.ts). An order's end is when its CONFIRMED or
 * REJECTED change reaches the table's stream (bench/stream-watch.ts), read within ~25 ms.
 */
export async function orderPath(sandbox: Sandbox, tap: CallTap, options: OrderPathOptions): Promise<Figure[]> {
  const shop = await Shop.open(sandbox);
  const watch = new StreamWatch(sandbox.endpoints.dynamodb, sandbox.tableName);
  const outcomes = new Map<string, Outcome>();
  const recorded: WatchedRecord[] = [];
  let recording = false;
  watch.listen((watched) => {
    const image = watched.record.dynamodb?.NewImage;
    if (recording) recorded.push(watched);
    if (image?.['__edb_e__']?.S !== 'order') return;
    const orderId = image['orderId']?.S;
    const status = image['status']?.S ?? '';
    if (orderId && TERMINAL.has(status) && !outcomes.has(orderId)) outcomes.set(orderId, { status, at: watched.at });
  });
  await watch.start();
  const raw = await RawTable.copyOf(sandbox.endpoints.dynamodb, sandbox.tableName);
  const indexes = await indexKeysOf(sandbox);
  try {
    progress('order path: products and customers');
    // One request first, so the catalog function's first cold start is not eight at once.
    await shop.product('first', { w1: 1 });
    const products = await pooled(Array.from({ length: SPREAD_PRODUCTS }, (_, i) => i), 2, (i) => shop.product(`p${i}`, { w1: PLENTY }));
    // Set-up at low concurrency: a burst of cold starts on a loaded machine can outlast the 10 s init limit.
    const customers = await shop.customers(Math.max(options.concurrency, Math.min(options.hotConcurrency, 200)), 4);

    progress('order path: warm-up orders (and the transactions the raw baselines replay)');
    await pooled(customers.slice(0, 10), 4, (customer, i) => shop.placeOrder(customer, [{ productId: products[i % SPREAD_PRODUCTS]!, quantity: 1 }]));
    await settle(sandbox, 120_000);
    const placementTx = captured(tap, 'OrdersApi');
    const settlementTx = captured(tap, 'SettleOrder');

    const rows = {
      postP50: [] as number[],
      rawPlacementP50: [] as number[],
      loadPostP50: [] as number[],
      terminalP50: [] as number[],
      terminalP99: [] as number[],
      settledPerSecond: [] as number[],
      rawPerSecond: [] as number[],
      spreadPerSecond: [] as number[],
      hotPerSecond: [] as number[],
      oversold: [] as number[],
      units: [] as number[],
    };
    const notes: string[] = [];
    let unitsNote = '';
    for (let round = 1; round <= options.rounds; round++) {
      const tag = `round ${round}/${options.rounds}`;

      progress(`order path ${tag}: POST /orders and the raw placement transaction, ${options.latencySamples} each, alternating`);
      const api: number[] = [];
      const rawPlacement: number[] = [];
      for (let i = 0; i < options.latencySamples; i++) {
        const placed = await shop.placeOrder(customers[i % customers.length]!, [{ productId: products[i % SPREAD_PRODUCTS]!, quantity: 1 }]);
        api.push(placed.acceptedAt - placed.sentAt);
        rawPlacement.push(await raw.replay(placementTx));
      }
      rows.postP50.push(percentile(api, 50));
      rows.rawPlacementP50.push(percentile(rawPlacement, 50));
      await settle(sandbox, 120_000);

      progress(`order path ${tag}: ${options.orders} orders of 1–3 lines at concurrency ${options.concurrency}`);
      const load = await burst(shop, outcomes, customers, options.orders, options.concurrency, (i) => linesFor(i, products), `load ${tag}`);
      rows.loadPostP50.push(percentile(load.postMs, 50));
      rows.terminalP50.push(percentile(load.terminalMs, 50));
      rows.terminalP99.push(percentile(load.terminalMs, 99));
      rows.settledPerSecond.push(load.perSecond);
      if (load.missing) notes.push(`${tag}: ${load.missing} orders not terminal in time`);
      await settle(sandbox, 300_000);
      progress(`order path ${tag}: raw ${settlementTx.TransactItems?.length}-item TransactWriteItems at concurrency ${options.concurrency}`);
      rows.rawPerSecond.push(await raw.throughput(settlementTx, options.orders, options.concurrency));

      progress(`order path ${tag}: ${options.hotOrders} 1-line orders over ${SPREAD_PRODUCTS} products at concurrency ${options.hotConcurrency}`);
      const spread = await burst(shop, outcomes, customers, options.hotOrders, options.hotConcurrency, (i) => [{ productId: products[i % SPREAD_PRODUCTS]!, quantity: 1 }], `spread ${tag}`);
      rows.spreadPerSecond.push(spread.perSecond);
      await settle(sandbox, 300_000);
      // Black Friday: one product, as many units as orders, every buyer at once.
      const hot = await shop.product(`hot${round}`, { w1: options.hotOrders });
      progress(`order path ${tag}: ${options.hotOrders} orders for one product (${options.hotOrders} units) at concurrency ${options.hotConcurrency}`);
      const rush = await burst(shop, outcomes, customers, options.hotOrders, options.hotConcurrency, () => [{ productId: hot, quantity: 1 }], `hot ${tag}`);
      rows.hotPerSecond.push(rush.perSecond);
      await settle(sandbox, 300_000);
      const confirmed = rush.orderIds.filter((id) => outcomes.get(id)?.status === 'CONFIRMED').length;
      const left = await shop.stockOf(hot);
      // Units confirmed but never taken from the stock, or stock below zero.
      rows.oversold.push(Math.max(0, confirmed - (options.hotOrders - left)) + Math.max(0, -left));
      notes.push(`hot ${tag}: ${confirmed} confirmed, ${options.hotOrders - confirmed} rejected, ${left} units left`);

      progress(`order path ${tag}: write units of ${options.writeOrders} fresh 1-line orders`);
      tap.start();
      recorded.length = 0;
      recording = true;
      const counted = await pooled(customers.slice(0, options.writeOrders), 4, (customer, i) => shop.placeOrder(customer, [{ productId: products[i % SPREAD_PRODUCTS]!, quantity: 1 }]));
      await settle(sandbox, 120_000);
      recording = false;
      const units = writeUnits(tap.stop(), recorded, indexes);
      const done = counted.filter(({ orderId }) => outcomes.get(orderId)?.status === 'CONFIRMED').length;
      rows.units.push(units.total / done);
      const per = (n: number) => (n / done).toFixed(1);
      unitsNote = `${done} confirmed orders; per order ${per(units.itemWrites)} item writes (${per(units.transactionalWrites)} transactional, ${per(units.failedWrites)} failed), ${per(units.indexWrites)} index writes; ${Object.entries(units.byFunction)
        .map(([what, n]) => `${what} ${per(n)}`)
        .join(', ')}`;
    }

    if (shop.retried) progress(`order path: ${shop.retried} requests answered 5xx and were sent again`);
    const retriedNote = shop.retried ? `; ${shop.retried} requests answered 5xx and were retried` : '';
    const floor = summarize(rows.units.map(() => WRITE_FLOOR_UNITS));
    return [
      {
        section: 'order path',
        name: 'POST /orders p50, sequential',
        unit: 'ms',
        value: summarize(rows.postP50),
        baseline: { name: 'raw placement transaction p50', value: summarize(rows.rawPlacementP50) },
        ratio: ratios(rows.postP50, rows.rawPlacementP50),
        budget: { on: 'ratio', direction: 'at most', limit: 1.5 },
        note: `${options.latencySamples} each a round, alternating; the raw one goes straight to DynamoDB Local`,
      },
      {
        section: 'order path',
        name: `POST /orders p50 under load (${options.orders} at ${options.concurrency})`,
        unit: 'ms',
        value: summarize(rows.loadPostP50),
        baseline: { name: 'raw placement transaction p50', value: summarize(rows.rawPlacementP50) },
        ratio: ratios(rows.loadPostP50, rows.rawPlacementP50),
      },
      {
        section: 'order path',
        name: `202 → CONFIRMED p99 (${options.orders} at ${options.concurrency})`,
        unit: 's',
        value: summarize(rows.terminalP99.map((ms) => ms / 1000)),
        budget: { on: 'value', direction: 'at most', limit: 2 },
        note: [`p50 ${summarize(rows.terminalP50.map((ms) => ms / 1000)).median.toFixed(2)} s`, ...notes.filter((n) => n.includes('not terminal'))].join('; '),
      },
      {
        section: 'order path',
        name: `settled orders/s (${options.orders} of 1–3 lines at ${options.concurrency})`,
        unit: 'orders/s',
        value: summarize(rows.settledPerSecond),
        baseline: { name: `raw ${settlementTx.TransactItems?.length}-item TransactWriteItems/s at ${options.concurrency}`, value: summarize(rows.rawPerSecond) },
        ratio: ratios(rows.settledPerSecond, rows.rawPerSecond),
        budget: { on: 'ratio', direction: 'at least', limit: 0.5 },
        note: `first POST sent to last order terminal${retriedNote}`,
      },
      {
        section: 'order path',
        name: `one hot product: settled orders/s (${options.hotOrders} at ${options.hotConcurrency})`,
        unit: 'orders/s',
        value: summarize(rows.hotPerSecond),
        baseline: { name: `${SPREAD_PRODUCTS} products, same orders`, value: summarize(rows.spreadPerSecond) },
        ratio: ratios(rows.hotPerSecond, rows.spreadPerSecond),
        budget: { on: 'ratio', direction: 'at least', limit: 0.5 },
        note: notes.filter((n) => n.startsWith('hot')).join('; '),
      },
      {
        section: 'order path',
        name: 'one hot product: units oversold',
        unit: 'units',
        value: summarize(rows.oversold),
        note: 'SPEC: 0. confirmed + left must equal the stock',
      },
      {
        section: 'write cost',
        name: 'WCU per confirmed 1-line order (API + settlement + projections)',
        unit: 'WCU',
        value: summarize(rows.units),
        baseline: { name: 'lower bound (bench/write-units.ts)', value: floor },
        ratio: ratios(rows.units, rows.units.map(() => WRITE_FLOOR_UNITS)),
        budget: { on: 'ratio', direction: 'at most', limit: 1.2 },
        note: `computed from the tapped calls and the stream (bench/write-units.ts); last round: ${unitsNote}`,
      },
    ];
  } finally {
    await watch.stop();
    raw.destroy();
  }
}

/** Waits for the sandbox to be idle; on a loaded machine it may not be in time, which is reported, not fatal. */
async function settle(sandbox: Sandbox, timeoutMs: number): Promise<void> {
  try {
    await sandbox.waitUntilIdle({ timeoutMs });
  } catch (error) {
    progress(`  not idle after ${timeoutMs / 1000} s, going on: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Places `count` orders at `concurrency` and waits for each to end; figures of the burst. */
async function burst(shop: Shop, outcomes: Map<string, Outcome>, customers: readonly Customer[], count: number, concurrency: number, lines: (i: number) => Line[], label: string) {
  const placements: Placement[] = [];
  const stopTicker = ticker(3_000, () => {
    const ended = placements.filter(({ orderId }) => outcomes.has(orderId)).length;
    progress(`  ${label}: ${placements.length}/${count} accepted, ${ended} ended`);
  });
  try {
    const started = performance.now();
    await pooled(
      Array.from({ length: count }, (_, i) => i),
      concurrency,
      async (i) => void placements.push(await shop.placeOrder(customers[i % customers.length]!, lines(i))),
    );
    const deadline = performance.now() + 60_000 + count * 100;
    while (placements.some(({ orderId }) => !outcomes.has(orderId)) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const ended = placements.filter(({ orderId }) => outcomes.has(orderId));
    const lastEnd = Math.max(...ended.map(({ orderId }) => outcomes.get(orderId)!.at));
    return {
      orderIds: placements.map(({ orderId }) => orderId),
      postMs: placements.map((p) => p.acceptedAt - p.sentAt),
      terminalMs: ended.map((p) => outcomes.get(p.orderId)!.at - p.acceptedAt),
      perSecond: ended.length / ((lastEnd - started) / 1000),
      missing: count - ended.length,
    };
  } finally {
    stopTicker();
  }
}

/** 1–3 distinct lines of 1–3 units, deterministic per order. */
function linesFor(i: number, products: readonly string[]): Line[] {
  const count = 1 + (i % 3);
  return Array.from({ length: count }, (_, line) => ({ productId: products[(i * 7 + line * 3) % products.length]!, quantity: 1 + ((i + line) % 3) }));
}

function captured(tap: CallTap, fn: string): TransactWriteItemsInput {
  const call = [...tap.lastOf.entries()].find(([key]) => key.includes(fn) && key.endsWith(':TransactWriteItems'))?.[1];
  if (!call) throw new Error(`no TransactWriteItems of ${fn} seen`);
  return structuredClone(call.body) as TransactWriteItemsInput;
}

async function indexKeysOf(sandbox: Sandbox): Promise<IndexKeys[]> {
  const client = new DynamoDBClient({ endpoint: sandbox.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: sandbox.tableName }));
    return (Table?.GlobalSecondaryIndexes ?? []).map((index) => ({ name: index.IndexName!, keys: (index.KeySchema ?? []).map((key) => key.AttributeName!) }));
  } finally {
    client.destroy();
  }
}
