import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { batchGetAll } from '../../lambdas/adapters/batch-get.ts';
import { mapBounded } from '../../lambdas/domain/batching.ts';
import { firstIdAt } from '../../lambdas/domain/order-ids.ts';
import { dayOf } from '../../lambdas/domain/order-rules.ts';
import { Order } from '../../lambdas/model/order.ts';
import { commerce } from '../../lambdas/model/service.ts';
import { settings } from '../../lib/settings.ts';
import { type Checkpoint, CheckpointFile, freshCheckpoint, openCheckpoint } from '../backfill/checkpoint.ts';
import { bulkDocumentClient } from '../command-line.ts';
import { type RawItem, scanSegments } from '../segmented-scan.ts';
import { reconcileBoard, reconcileProduct, reconcileUser } from './aggregates.ts';
import { Findings, type FindingsState } from './findings.ts';
import { ordersDisagreeingWithTheirLog, repairHistory, type ScannedOrder } from './order-items.ts';
import { addOrder, addProduct, addUser, emptyReadModels, mergeReadModels, type ReadModels } from './read-models.ts';

export interface RebuildOptions {
  table: string;
  /** A DynamoDB endpoint such as DynamoDB Local's; omitted, the SDK's own (AWS) is used. */
  endpoint?: string | undefined;
  region?: string | undefined;
  /** Compare only: report the differences and write nothing. */
  dryRun?: boolean;
  /** Parallel Scan segments. Default: the checkpoint's when resuming, else 4. */
  segments?: number | undefined;
  pageSize?: number | undefined;
  reset?: boolean;
  checkpointDir?: string;
  /** Aborting stops each segment after its page in flight; the checkpoint lets the next run resume. */
  signal?: AbortSignal;
  onProgress?: (progress: RebuildProgress) => void;
}

export interface RebuildProgress {
  phase: 'scan' | 'compare';
  /** Items scanned (of the table's estimated count), or read models compared (of all). */
  done: number;
  total: number;
  differences: number;
}

export interface RebuildResult {
  completed: boolean;
  resumed: boolean;
  orders: number;
  findings: FindingsState;
  differences: number;
  /** Read models that kept changing under the rebuild's conditioned writes: left as they are. */
  contended: number;
  checkpointPath: string;
}

/** What the Scan has learnt so far: saved after every page, so an interrupted rebuild resumes. */
interface RebuildCheckpoint extends Checkpoint {
  startedAt: string;
  dryRun: boolean;
  orders: number;
  expected: ReadModels;
  findings: FindingsState;
  /** Orders that may change while the rebuild runs: PENDING when scanned, or placed just before the run or during it. */
  watched: WatchedOrder[];
}

interface WatchedOrder {
  orderId: string;
  userId: string;
  status: string;
  productIds: string[];
}

const DEFAULT_SEGMENTS = 4;
const DEFAULT_PAGE_SIZE = 100;
/** Read models compared (and written) at once. */
const CONCURRENCY = 8;
const PLACEMENT_MARGIN_MS = 60_000;

/**
 * Recomputes the order projections (user history, stats and recent orders; product sales; the
 * top-products board) from the orders, compares them with the live read models and, unless a dry
 * run, writes what differs. Safe to interrupt, to run twice and to run while the system serves:
 * see docs/runbook.md#rebuilding-read-models.
 */
export async function rebuildProjections(options: RebuildOptions): Promise<RebuildResult> {
  const apply = !options.dryRun;
  const file = new CheckpointFile<RebuildCheckpoint>(options.checkpointDir ?? '.rebuild-projections', apply ? options.table : `${options.table}.dry-run`);
  const { checkpoint, resumed } = await openCheckpoint(file, {
    reset: options.reset,
    segments: options.segments,
    defaultSegments: DEFAULT_SEGMENTS,
    fresh: (segments) => ({
      ...freshCheckpoint(options.table, segments),
      startedAt: new Date().toISOString(),
      dryRun: !apply,
      orders: 0,
      expected: emptyReadModels(),
      findings: { differences: {}, heldUsers: [], heldProducts: [] },
      watched: [],
    }),
  });
  const client = bulkDocumentClient(options);
  commerce.setClient(client);
  commerce.setTableName(options.table);
  const findings = new Findings(checkpoint.findings);
  const result = (completed: boolean, contended = 0): RebuildResult => ({
    completed,
    resumed,
    orders: checkpoint.orders,
    findings: checkpoint.findings,
    differences: findings.total,
    contended,
    checkpointPath: file.path,
  });
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: options.table }));
    const scanned = () => checkpoint.segments.reduce((sum, segment) => sum + segment.scanned, 0);
    const report = (phase: RebuildProgress['phase'], done: number, total: number) => options.onProgress?.({ phase, done, total, differences: findings.total });
    report('scan', scanned(), Table?.ItemCount ?? 0);

    const completed = await scanSegments({
      client,
      table: options.table,
      entities: ['order', 'userStats', 'productSales'],
      pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
      checkpoint,
      file,
      signal: options.signal,
      processPage: async (items) => {
        const page = await rebuildPage(items, apply, firstIdAt(watchedSince(checkpoint)));
        return () => {
          mergeReadModels(checkpoint.expected, page.expected);
          findings.merge(page.findings);
          checkpoint.watched.push(...page.watched);
          checkpoint.orders += page.orders;
          report('scan', scanned(), Table?.ItemCount ?? 0);
        };
      },
    });
    if (!completed) return result(false);

    await holdOrdersThatMoved(checkpoint, findings);
    const { users, products } = checkpoint.expected;
    const userIds = Object.keys(users).filter((userId) => !findings.isHeldUser(userId));
    const productIds = Object.keys(products).filter((productId) => !findings.isHeldProduct(productId));
    const total = userIds.length + productIds.length + 1;
    let compared = 0;
    // Interrupted here, the checkpoint still holds the whole Scan: the next run compares again.
    const unlessStopped = <R>(work: () => Promise<R>) => (options.signal?.aborted ? undefined : work().finally(() => report('compare', ++compared, total)));
    const outcomes = [
      ...(await mapBounded(userIds, CONCURRENCY, async (userId) => unlessStopped(() => reconcileUser(userId, users[userId]!, findings, apply)))),
      ...(await mapBounded(productIds, CONCURRENCY, async (productId) => unlessStopped(() => reconcileProduct(productId, products[productId]!, findings, apply)))),
    ];
    if (options.signal?.aborted) return result(false);
    outcomes.push(await reconcileBoard(Object.fromEntries(productIds.map((id) => [id, products[id]!])), checkpoint.findings.heldProducts, settings.topProductsSize, findings, apply));
    report('compare', total, total);
    await file.remove();
    return result(true, outcomes.filter((outcome) => outcome === 'contended').length);
  } finally {
    client.destroy();
  }
}

/** One page of the Scan: its orders checked against their logs, their history items repaired, and what they add up to. */
async function rebuildPage(items: RawItem[], apply: boolean, firstWatchedId: string) {
  const expected = emptyReadModels();
  const findings = new Findings();
  const orders: ScannedOrder[] = [];
  for (const item of items) {
    if (item.__edb_e__ === 'userStats') addUser(expected, String(item.userId));
    if (item.__edb_e__ === 'productSales') addProduct(expected, String(item.productId));
    if (item.__edb_e__ !== 'order') continue;
    const { data: order } = Order.parse({ Item: item });
    if (order) orders.push({ ...order, totalCents: order.totalCents ?? 0 });
  }
  const disagreeing = new Set(await ordersDisagreeingWithTheirLog(orders));
  for (const order of disagreeing) {
    findings.difference('orderLog', `${order.orderId}: status ${order.status}, but its last event (seq ${order.eventSeq}) does not close it so`);
    findings.changed(order);
  }
  const trusted = orders.filter((order) => !disagreeing.has(order));
  await repairHistory(trusted, findings, apply);
  for (const order of trusted) addOrder(expected, order);
  const watched: WatchedOrder[] = trusted
    .filter((order) => order.status === 'PENDING' || order.orderId >= firstWatchedId)
    .map(({ orderId, userId, status, items: lines }) => ({ orderId, userId, status, productIds: lines.map((line) => line.productId) }));
  return { expected, findings, watched, orders: orders.length };
}

/** Orders placed this long before the run started may still have been committing when the Scan passed them. */
const watchedSince = (checkpoint: RebuildCheckpoint) => Date.parse(checkpoint.startedAt) - PLACEMENT_MARGIN_MS;

/**
 * The live projector keeps what changed during the run: watched orders whose status is no longer
 * the one scanned, and orders placed since the run started that the Scan never saw (AP12's index,
 * every shard of each day since). Their users and products are left alone — the next run finds
 * them settled.
 */
async function holdOrdersThatMoved(checkpoint: RebuildCheckpoint, findings: Findings): Promise<void> {
  const watched = new Map(checkpoint.watched.map((order) => [order.orderId, order]));
  const now = await batchGetAll(
    checkpoint.watched.map(({ orderId }) => ({ orderId })),
    (keys) => Order.get(keys).go({ consistent: true }),
  );
  for (const order of now) {
    const scanned = watched.get(order.orderId)!;
    if (order.status !== scanned.status) findings.changed({ userId: scanned.userId, items: scanned.productIds.map((productId) => ({ productId })) });
  }
  const since = watchedSince(checkpoint);
  const dayAt = (instant: number) => dayOf(new Date(instant).toISOString());
  const days: string[] = [];
  for (let instant = since; dayAt(instant) <= dayAt(Date.now()); instant += 86_400_000) days.push(dayAt(instant));
  const shards = Array.from({ length: settings.orderShardCount }, (_, shard) => shard);
  for (const day of days) {
    await mapBounded(shards, CONCURRENCY, async (shard) => {
      const { data } = await Order.query.byDay({ day, shard }).gte({ orderId: firstIdAt(since) }).go({ pages: 'all' });
      for (const order of data.filter(({ orderId }) => !watched.has(orderId))) findings.changed(order);
    });
  }
}
