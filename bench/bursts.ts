import type { Sandbox } from '../sandbox/index.ts';
import { progress, ticker } from './progress.ts';
import { pooled, type Customer, type Line, type Placement, type Shop } from './shop.ts';
import type { StreamWatch } from './stream-watch.ts';

/** How an order ended, as the table's stream told: its final status and when the bench read it. */
export interface Outcome {
  readonly status: string;
  readonly at: number;
}

const TERMINAL = new Set(['CONFIRMED', 'REJECTED']);

/** Records in `outcomes` each order's first CONFIRMED or REJECTED change on the stream. */
export function watchOutcomes(watch: StreamWatch, outcomes: Map<string, Outcome>): void {
  watch.listen((watched) => {
    const image = watched.record.dynamodb?.NewImage;
    if (image?.['__edb_e__']?.S !== 'order') return;
    const orderId = image['orderId']?.S;
    const status = image['status']?.S ?? '';
    if (orderId && TERMINAL.has(status) && !outcomes.has(orderId)) outcomes.set(orderId, { status, at: watched.at });
  });
}

/** Waits for the sandbox to be idle; on a loaded machine it may not be in time, which is reported, not fatal. */
export async function settle(sandbox: Sandbox, timeoutMs: number): Promise<void> {
  try {
    await sandbox.waitUntilIdle({ timeoutMs });
  } catch (error) {
    progress(`  not idle after ${timeoutMs / 1000} s, going on: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Places `count` orders at `concurrency` and waits for each to end; figures of the burst. */
export async function burst(shop: Shop, outcomes: Map<string, Outcome>, customers: readonly Customer[], count: number, concurrency: number, lines: (i: number) => Line[], label: string) {
  const placements: Array<Placement & { readonly items: Line[] }> = [];
  const stopTicker = ticker(3_000, () => {
    const ended = placements.filter(({ orderId }) => outcomes.has(orderId)).length;
    progress(`  ${label}: ${placements.length}/${count} accepted, ${ended} ended`);
  });
  try {
    const started = performance.now();
    await pooled(
      Array.from({ length: count }, (_, i) => i),
      concurrency,
      async (i) => {
        const items = lines(i);
        placements.push({ ...(await shop.placeOrder(customers[i % customers.length]!, items)), items });
      },
    );
    const deadline = performance.now() + 60_000 + count * 100;
    while (placements.some(({ orderId }) => !outcomes.has(orderId)) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const ended = placements.filter(({ orderId }) => outcomes.has(orderId));
    const lastEnd = Math.max(...ended.map(({ orderId }) => outcomes.get(orderId)!.at));
    return {
      orderIds: placements.map(({ orderId }) => orderId),
      /** Each order with its lines. */
      orders: placements.map(({ orderId, items }) => ({ orderId, items })),
      postMs: placements.map((p) => p.acceptedAt - p.sentAt),
      terminalMs: ended.map((p) => outcomes.get(p.orderId)!.at - p.acceptedAt),
      perSecond: ended.length / ((lastEnd - started) / 1000),
      missing: count - ended.length,
    };
  } finally {
    stopTicker();
  }
}

/** The settlement function whose SQS mapping the backlog scenario holds (its logical id's prefix). */
export const SETTLEMENT_FUNCTION = 'OrderPipelineSettleOrder';
/** The stream consumers downstream of settlement: the outbox relay (events, then notifications) and the projections. */
export const DOWNSTREAM_FUNCTIONS = ['OrderPipelineRelayPlacedOrders', 'ProjectionsProjectOrders', 'ProjectionsProjectMetrics'];

/** The order queue's depth: what settlement's mapping consumes. */
export function orderQueue(sandbox: Sandbox) {
  return sandbox.queueDepths().find((queue) => queue.logicalId.startsWith('OrderPipelineOrderQueue'));
}

/**
 * Settlement draining a backlog (SPEC §7 "settled orders/s"): with SettleOrder's event source mapping
 * disabled, `count` orders are placed at `concurrency` and relayed to the order queue, where they
 * wait; then the mapping is enabled and the clock runs from that moment to the last order's CONFIRMED
 * or REJECTED on the table's stream (read by the bench itself). With `downstream: 'held'` the stream
 * consumers (relay, projections; so no events and no notifications either) are disabled meanwhile
 * and catch up afterwards: the settlement stage alone. With 'running' they work as always, on the same
 * DynamoDB Local. Placement's rate is in neither (the load burst has it).
 */
export async function backlog(
  sandbox: Sandbox,
  shop: Shop,
  outcomes: Map<string, Outcome>,
  customers: readonly Customer[],
  count: number,
  concurrency: number,
  lines: (i: number) => Line[],
  options: { readonly label: string; readonly downstream: 'held' | 'running' },
) {
  const queued = () => orderQueue(sandbox);
  const holdDownstream = (held: boolean) => {
    for (const fn of DOWNSTREAM_FUNCTIONS) sandbox.setMappingsEnabled(fn, !held);
  };
  const orderIds: string[] = [];
  sandbox.setMappingsEnabled(SETTLEMENT_FUNCTION, false);
  let started = 0;
  let queueEmptyAt = 0;
  try {
    await pooled(
      Array.from({ length: count }, (_, i) => i),
      concurrency,
      async (i) => {
        orderIds.push((await shop.placeOrder(customers[i % customers.length]!, lines(i))).orderId);
      },
    );
    const relayDeadline = performance.now() + 120_000;
    while ((queued()?.visible ?? 0) < count && performance.now() < relayDeadline) await new Promise((resolve) => setTimeout(resolve, 100));
    progress(`  ${options.label}: ${queued()?.visible ?? 0} of ${count} orders waiting in the order queue; settlement enabled${options.downstream === 'held' ? ', relay and projections held' : ''}`);
    if (options.downstream === 'held') {
      holdDownstream(true);
      // Let a batch the relay or a projection is handling end before the clock starts.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    started = performance.now();
    sandbox.setMappingsEnabled(SETTLEMENT_FUNCTION, true);
    const inQueue = () => {
      const queue = queued();
      return (queue?.visible ?? 0) + (queue?.inFlight ?? 0) + (queue?.delayed ?? 0);
    };
    const stopTicker = ticker(3_000, () => progress(`  ${options.label}: ${orderIds.filter((id) => outcomes.has(id)).length}/${count} ended, ${inQueue()} messages left in the queue`));
    try {
      const deadline = started + 60_000 + count * 100;
      while ((orderIds.some((id) => !outcomes.has(id)) || queueEmptyAt === 0) && performance.now() < deadline) {
        // The queue is empty once every message was settled and deleted: settlement's own end, seen
        // without the stream (a second clock on the same drain).
        if (queueEmptyAt === 0 && inQueue() === 0) queueEmptyAt = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      stopTicker();
    }
  } finally {
    sandbox.setMappingsEnabled(SETTLEMENT_FUNCTION, true);
    if (options.downstream === 'held') holdDownstream(false);
  }
  const ended = orderIds.filter((id) => outcomes.has(id));
  const lastEnd = Math.max(...ended.map((id) => outcomes.get(id)!.at));
  return {
    perSecond: ended.length / ((lastEnd - started) / 1000),
    /** Orders per second until the order queue held no message any more (0 if it never emptied in time). */
    queuePerSecond: queueEmptyAt ? count / ((queueEmptyAt - started) / 1000) : 0,
    missing: count - ended.length,
  };
}
