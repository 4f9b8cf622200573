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
