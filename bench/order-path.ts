import { DescribeTableCommand, DynamoDBClient, type TransactWriteItemsInput } from '@aws-sdk/client-dynamodb';
import type { Sandbox } from '../sandbox/index.ts';
import type { CallTap, TappedCall } from './call-tap.ts';
import { type BlackFridayOptions, blackFridayFigures, blackFridayRound, emptyRows, SPREAD_PRODUCTS } from './black-friday.ts';
import { backlog, burst, type Outcome, settle, watchOutcomes } from './bursts.ts';
import type { Figure } from './figures.ts';
import { progress } from './progress.ts';
import { RawTable } from './raw.ts';
import { pooled, Shop, type Line } from './shop.ts';
import { percentile, ratios, summarize } from './stats.ts';
import { StreamWatch, type WatchedRecord } from './stream-watch.ts';
import { WRITE_FLOOR_UNITS, writeUnits, type IndexKeys } from './write-units.ts';

/** Sizes of the order-path scenarios; `--quick` shrinks them. */
export interface OrderPathOptions extends BlackFridayOptions {
  readonly rounds: number;
  /** SPEC §7: 600 orders of 1–3 lines at concurrency 16. */
  readonly orders: number;
  readonly concurrency: number;
  /** Sequential POST /orders and raw placements per round (latency p50). */
  readonly latencySamples: number;
  /** Fresh 1-line orders whose writes are counted, per round. */
  readonly writeOrders: number;
}

const PLENTY = 1_000_000;

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
    if (recording) recorded.push(watched);
  });
  watchOutcomes(watch, outcomes);
  await watch.start();
  const raw = RawTable.on(sandbox.endpoints.dynamodb, sandbox.tableName);
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

    // A whole burst, and as many raw transactions, before anything is measured: DynamoDB Local's JIT
    // and the functions warm up over the first bursts, and otherwise round 1 of the sandbox would run
    // cold against a raw baseline that runs warm after it (docs/performance.md).
    progress(`order path: warm-up burst of ${options.orders} orders at concurrency ${options.concurrency}, not measured`);
    tap.start();
    await burst(shop, outcomes, customers, options.orders, options.concurrency, (i) => linesFor(i, products), 'warm-up');
    await settle(sandbox, 300_000);
    // The raw throughput baseline replays the settlements of this burst: the same shapes (1–3 lines,
    // so 3–5 items) in the same mix as the orders it is compared with.
    const settlementTxs = settlementsOf(tap.stop());
    const shapes = itemCounts(settlementTxs);
    await raw.throughput(settlementTxs, options.orders, options.concurrency);

    const rows = {
      postP50: [] as number[],
      rawPlacementP50: [] as number[],
      loadPostP50: [] as number[],
      terminalP50: [] as number[],
      terminalP99: [] as number[],
      settledPerSecond: [] as number[],
      drainedPerSecond: [] as number[],
      drainedAlonePerSecond: [] as number[],
      queuePerSecond: [] as number[],
      queueAlonePerSecond: [] as number[],
      rawPerSecond: [] as number[],
      units: [] as number[],
    };
    const notes: string[] = [];
    const blackFriday = emptyRows();
    let unitsNote = '';
    for (let round = 1; round <= options.rounds; round++) {
      const tag = `round ${round}/${options.rounds}`;

      progress(`order path ${tag}: POST /orders and the raw placement transaction, ${options.latencySamples} each, alternating`);
      const api: number[] = [];
      const rawPlacement: number[] = [];
      for (let i = 0; i < options.latencySamples; i++) {
        const placed = await shop.placeOrder(customers[i % customers.length]!, [{ productId: products[i % SPREAD_PRODUCTS]!, quantity: 1 }]);
        api.push(placed.acceptedAt - placed.sentAt);
        // Each on a quiet system: otherwise the raw one runs while the order just placed is relayed,
        // settled and projected on the same DynamoDB Local, and the POST does not.
        await settle(sandbox, 60_000);
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
      progress(`order path ${tag}: raw TransactWriteItems of the settlements' shapes (${shapes}) at concurrency ${options.concurrency}`);
      rows.rawPerSecond.push(await raw.throughput(settlementTxs, options.orders, options.concurrency));

      for (const downstream of ['held', 'running'] as const) {
        progress(`order path ${tag}: a backlog of ${options.orders} orders, settlement held until all are queued; downstream consumers ${downstream}`);
        const label = `backlog ${tag}, downstream ${downstream}`;
        const drained = await backlog(sandbox, shop, outcomes, customers, options.orders, options.concurrency, (i) => linesFor(i, products), { label, downstream });
        (downstream === 'held' ? rows.drainedAlonePerSecond : rows.drainedPerSecond).push(drained.perSecond);
        (downstream === 'held' ? rows.queueAlonePerSecond : rows.queuePerSecond).push(drained.queuePerSecond);
        progress(`  ${label}: ${drained.perSecond.toFixed(1)} orders/s to the last terminal on the stream, ${drained.queuePerSecond.toFixed(1)}/s to an empty order queue`);
        if (drained.missing) notes.push(`${label}: ${drained.missing} backlog orders not terminal in time`);
        await settle(sandbox, 300_000);
      }

      await blackFridayRound({ sandbox, shop, outcomes, customers, products }, options, round, blackFriday);

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
    const backlogNotes = (downstream: string) => notes.filter((n) => n.includes(`downstream ${downstream}`)).map((n) => `; ${n}`).join('');
    return [
      {
        section: 'order path',
        name: 'POST /orders p50, sequential',
        unit: 'ms',
        value: summarize(rows.postP50),
        baseline: { name: 'raw placement transaction p50', value: summarize(rows.rawPlacementP50) },
        ratio: ratios(rows.postP50, rows.rawPlacementP50),
        budget: { on: 'ratio', direction: 'at most', limit: 1.5 },
        note: `${options.latencySamples} each a round, alternating, each on an idle sandbox; the raw one goes straight to DynamoDB Local`,
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
        note: [`p50 ${summarize(rows.terminalP50.map((ms) => ms / 1000)).median.toFixed(2)} s`, ...notes.filter((n) => n.includes('not terminal') && !n.includes('backlog'))].join('; '),
      },
      {
        section: 'order path',
        name: `settled orders/s, a backlog of ${options.orders} orders of 1–3 lines, settlement alone`,
        unit: 'orders/s',
        value: summarize(rows.drainedAlonePerSecond),
        baseline: { name: `raw TransactWriteItems/s of the settlements' shapes (${shapes}) at ${options.concurrency}`, value: summarize(rows.rawPerSecond) },
        ratio: ratios(rows.drainedAlonePerSecond, rows.rawPerSecond),
        budget: { on: 'ratio', direction: 'at least', limit: 0.5 },
        note: `settlement enabled with every order queued, to the last order terminal on the table's stream; relay and projections held meanwhile; to an empty order queue: ${summarize(rows.queueAlonePerSecond).median.toFixed(1)} [${summarize(rows.queueAlonePerSecond).min.toFixed(1)}–${summarize(rows.queueAlonePerSecond).max.toFixed(1)}]/s${backlogNotes('held')}`,
      },
      {
        section: 'order path',
        name: `settled orders/s, a backlog of ${options.orders} orders, relay and projections running`,
        unit: 'orders/s',
        value: summarize(rows.drainedPerSecond),
        baseline: { name: `raw TransactWriteItems/s of the settlements' shapes (${shapes}) at ${options.concurrency}`, value: summarize(rows.rawPerSecond) },
        ratio: ratios(rows.drainedPerSecond, rows.rawPerSecond),
        note: `the same, with events, notifications and projections writing to the same DynamoDB Local meanwhile; to an empty order queue: ${summarize(rows.queuePerSecond).median.toFixed(1)}/s${backlogNotes('running')}`,
      },
      {
        section: 'order path',
        name: `orders/s end to end (${options.orders} of 1–3 lines at ${options.concurrency})`,
        unit: 'orders/s',
        value: summarize(rows.settledPerSecond),
        baseline: { name: `raw TransactWriteItems/s of the settlements' shapes (${shapes}) at ${options.concurrency}`, value: summarize(rows.rawPerSecond) },
        ratio: ratios(rows.settledPerSecond, rows.rawPerSecond),
        note: `first POST sent to last order terminal: placement through the API, relay, settlement${retriedNote}`,
      },
      ...blackFridayFigures(blackFriday, options),
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

/** 1–3 distinct lines of 1–3 units, deterministic per order. */
function linesFor(i: number, products: readonly string[]): Line[] {
  const count = 1 + (i % 3);
  return Array.from({ length: count }, (_, line) => ({ productId: products[(i * 7 + line * 3) % products.length]!, quantity: 1 + ((i + line) % 3) }));
}

/** The confirming settlement transactions among tapped calls (a confirmation holds the order, its payment, its event and a stock item per line). */
function settlementsOf(calls: readonly TappedCall[]): TransactWriteItemsInput[] {
  const txs = calls
    .filter((call) => call.function.includes('SettleOrder') && call.operation === 'TransactWriteItems')
    .map((call) => structuredClone(call.body) as TransactWriteItemsInput)
    .filter((tx) => (tx.TransactItems?.length ?? 0) >= 4);
  if (txs.length === 0) throw new Error('no settlement TransactWriteItems seen');
  return txs;
}

/** "3–5 items, mean 4.0": the shapes of the transactions replayed. */
function itemCounts(txs: readonly TransactWriteItemsInput[]): string {
  const counts = txs.map((tx) => tx.TransactItems?.length ?? 0);
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  return `${Math.min(...counts)}–${Math.max(...counts)} items, mean ${mean.toFixed(1)}`;
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
