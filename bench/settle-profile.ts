import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startSandbox } from '../sandbox/index.ts';
import { DOWNSTREAM_FUNCTIONS, orderQueue, SETTLEMENT_FUNCTION } from './bursts.ts';
import { CallTap } from './call-tap.ts';
import { RawTable } from './raw.ts';
import { pooled, Shop, type Line, type Placement } from './shop.ts';
import { percentile as strictPercentile } from './stats.ts';

/** NaN where a profile has no samples of a kind (a backlog round has no relay sends in its window). */
const percentile = (values: readonly number[], p: number) => (values.length ? strictPercentile(values, p) : Number.NaN);
import { StreamWatch } from './stream-watch.ts';

/**
 * Profiling aid (issue 9 part 4): the order-path load scenario alone — N orders of 1–3 lines at
 * concurrency C — with where a settlement's time goes: queue wait (202 → the worker's first call
 * for the order), in-worker time (first call → transaction answered), each DynamoDB/SQS call's
 * duration by function and operation, CPU of this process (all worker threads) and of DynamoDB
 * Local, and this process's main-thread event-loop delay; then the raw baseline of bench/raw.ts.
 * `tsx bench/settle-profile.ts [orders] [concurrency] [rounds]`; PROFILE_HOT=1 adds the hot-product
 * scenario (200 orders at 100 buyers, 20 products then one), PROFILE_BACKLOG=1 (or `alone`, with the
 * relay and projections held) drains a backlog queued with settlement held, PROFILE_SETTLEMENT_RATE=n
 * sets SETTLEMENT_RATE_PER_WORKER, PROFILE_RAW_FIRST=1 runs the raw
 * baseline twice before any burst too (DynamoDB Local's JIT warms up over the first bursts).
 */
const orders = Number(process.argv[2] ?? 150);
const concurrency = Number(process.argv[3] ?? 16);
const rounds = Number(process.argv[4] ?? 2);
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

interface Timed {
  fn: string;
  env: string;
  op: string;
  body: string;
  start: number;
  end?: number;
}
const timed: Timed[] = [];
const open = new WeakMap<ClientRequest, Timed>();
let recording = false;
subscribe('http.client.request.created', (message) => {
  const request = (message as { request: ClientRequest }).request;
  const agent = /(?:^|\s)app\/([\w.-]+)/.exec(String(request.getHeader('user-agent') ?? ''))?.[1];
  const target = request.getHeader('x-amz-target');
  if (!agent) return;
  const op = typeof target === 'string' ? (target.split('.')[1] ?? target) : `${request.method} ${request.path.split('?')[0]}`;
  const entry: Timed = { fn: agent.split('.')[0]!.replace(/^(OrderPipeline|Projections|Api|Notifications)/, '').replace(/[0-9A-F]{8}$/, ''), env: agent, op, body: '', start: performance.now() };
  const end = request.end.bind(request) as (...args: unknown[]) => ClientRequest;
  (request as { end: (...args: unknown[]) => ClientRequest }).end = (...args: unknown[]) => {
    const chunk = args[0];
    if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) entry.body = chunk.toString();
    else if (typeof request.path === 'string') entry.body = request.path;
    return end(...args);
  };
  open.set(request, entry);
  if (recording) timed.push(entry);
});
subscribe('http.client.response.finish', (message) => {
  const { request } = message as { request: ClientRequest };
  const entry = open.get(request);
  if (entry) entry.end = performance.now();
});

function cpuOfChildren(): number {
  // utime + stime (clock ticks, 100/s) of every java process, in seconds.
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100;
}

/** CPU seconds of each thread of this process, by thread name (worker threads carry their function's logical id, cut to 15 characters). */
function threadCpu(): Map<string, number> {
  const byTid = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      byTid.set(`${tid}:${comm}`, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // gone
    }
  }
  return byTid;
}
function threadCpuSince(before: Map<string, number>): string {
  const groups = new Map<string, number>();
  for (const [key, seconds] of threadCpu()) {
    const name = key.slice(key.indexOf(':') + 1);
    groups.set(name, (groups.get(name) ?? 0) + seconds - (before.get(key) ?? 0));
  }
  return [...groups].filter(([, s]) => s >= 0.05).sort((a, b) => b[1] - a[1]).map(([name, s]) => `${name} ${s.toFixed(1)}`).join(', ');
}

const tap = new CallTap();
console.log(`load average at start ${loadAverage()}`);
// PROFILE_SETTLEMENT_RATE=n overrides SETTLEMENT_RATE_PER_WORKER (22): what settlement does without the rule's cap.
const rate = process.env.PROFILE_SETTLEMENT_RATE;
const sandbox = await startSandbox({ port: 0, inMemory: true, logs: process.env.BENCH_LOGS === '1', scheduleTimers: false, visibilityTimeoutSeconds: 20, ...(rate ? { env: { SETTLEMENT_RATE_PER_WORKER: rate } } : {}) });
const shop = await Shop.open(sandbox);
const watch = new StreamWatch(sandbox.endpoints.dynamodb, sandbox.tableName);
const terminal = new Map<string, number>();
watch.listen(({ record, at }) => {
  const image = record.dynamodb?.NewImage;
  if (image?.['__edb_e__']?.S !== 'order') return;
  const id = image['orderId']?.S;
  const status = image['status']?.S;
  if (id && (status === 'CONFIRMED' || status === 'REJECTED') && !terminal.has(id)) terminal.set(id, at);
});
await watch.start();
const raw = RawTable.on(sandbox.endpoints.dynamodb, sandbox.tableName);
try {
  await shop.product('first', { w1: 1 });
  const products = await pooled(Array.from({ length: 20 }, (_, i) => i), 2, (i) => shop.product(`p${i}`, { w1: 1_000_000 }));
  const hotScenario = process.env.PROFILE_HOT === '1';
  const customers = await shop.customers(hotScenario ? 100 : concurrency, 4);
  await pooled(customers.slice(0, 10), 4, (customer, i) => shop.placeOrder(customer, [{ productId: products[i % 20]!, quantity: 1 }]));
  await sandbox.waitUntilIdle({ timeoutMs: 120_000 });
  const settlementTx = [...tap.lastOf.entries()].find(([key]) => key.includes('SettleOrder') && key.endsWith(':TransactWriteItems'))![1].body;

  /** PROFILE_BACKLOG=1: settlement held while the orders are placed and queued; the round's clock starts at release. */
  const holdSettlement = async (place: () => Promise<Placement[]>) => {
    sandbox.setMappingsEnabled(SETTLEMENT_FUNCTION, false);
    const placed = await place();
    while ((orderQueue(sandbox)?.visible ?? 0) < orders) await new Promise((resolve) => setTimeout(resolve, 100));
    const alone = process.env.PROFILE_BACKLOG === 'alone';
    if (alone) for (const fn of DOWNSTREAM_FUNCTIONS) sandbox.setMappingsEnabled(fn, false);
    // Let a batch the relay or a projection is handling end before the clock starts.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return {
      placed,
      release: () => sandbox.setMappingsEnabled(SETTLEMENT_FUNCTION, true),
      resume: () => {
        if (alone) for (const fn of DOWNSTREAM_FUNCTIONS) sandbox.setMappingsEnabled(fn, true);
      },
    };
  };
  const lines = (i: number): Line[] =>
    Array.from({ length: 1 + (i % 3) }, (_, line) => ({ productId: products[(i * 7 + line * 3) % 20]!, quantity: 1 + ((i + line) % 3) }));
  if (process.env.PROFILE_RAW_FIRST === '1') {
    for (let i = 0; i < 2; i++) console.log(`raw before any burst: ${(await raw.throughput(settlementTx, orders, concurrency)).toFixed(1)}/s`);
  }
  for (let round = 1; round <= rounds; round++) {
    const backlog = process.env.PROFILE_BACKLOG === '1' || process.env.PROFILE_BACKLOG === 'alone';
    let held: { placed: Placement[]; release: () => void; resume: () => void } | undefined;
    if (backlog) held = await holdSettlement(() => pooled(Array.from({ length: orders }, (_, i) => i), concurrency, (i) => shop.placeOrder(customers[i % customers.length]!, lines(i))));
    timed.length = 0;
    recording = true;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpu0 = process.cpuUsage();
    const java0 = cpuOfChildren();
    const threads0 = threadCpu();
    const started = performance.now();
    if (held) held.release();
    const placements = held ? held.placed : await pooled(Array.from({ length: orders }, (_, i) => i), concurrency, (i) => shop.placeOrder(customers[i % customers.length]!, lines(i)));
    const placedBy = performance.now();
    const deadline = performance.now() + 120_000;
    while (placements.some(({ orderId }) => !terminal.has(orderId)) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    const ended = Math.max(...placements.map(({ orderId }) => terminal.get(orderId) ?? 0));
    const wall = (ended - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const java = cpuOfChildren() - java0;
    const threads = threadCpuSince(threads0);
    loop.disable();
    recording = false;
    held?.resume();
    await sandbox.waitUntilIdle({ timeoutMs: 120_000 });

    const latency = placements.filter((p) => terminal.has(p.orderId)).map((p) => terminal.get(p.orderId)! - p.acceptedAt);
    console.log(`\nround ${round}: ${orders} orders at ${concurrency}; placed in ${((placedBy - started) / 1000).toFixed(1)} s, last terminal at ${wall.toFixed(1)} s`);
    console.log(`  settled/s ${(latency.length / wall).toFixed(1)}; 202→terminal p50 ${(percentile(latency, 50) / 1000).toFixed(2)} s, p99 ${(percentile(latency, 99) / 1000).toFixed(2)} s; missing ${orders - latency.length}`);
    console.log(`  CPU: sandbox process ${((cpu.user + cpu.system) / 1e6 / wall).toFixed(2)} cores, DynamoDB Local ${(java / wall).toFixed(2)} cores; main-thread loop delay p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms; load ${loadAverage()}`);

    console.log(`  CPU seconds by thread: ${threads}; DynamoDB Local ${java.toFixed(1)}; per order ${(((cpu.user + cpu.system) / 1e6 + java) * 1000 / orders).toFixed(0)} ms`);
    // Per-function, per-operation call count and mean/p90 duration.
    const groups = new Map<string, number[]>();
    for (const call of timed) {
      if (call.end === undefined) continue;
      const key = `${call.fn} ${call.op}`;
      groups.set(key, [...(groups.get(key) ?? []), call.end - call.start]);
    }
    for (const [key, durations] of [...groups].sort()) {
      const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
      console.log(`  ${key.padEnd(40)} ${String(durations.length).padStart(5)} calls (${(durations.length / orders).toFixed(2)}/order)  mean ${mean.toFixed(1)} ms  p90 ${percentile(durations, 90).toFixed(1)} ms`);
    }
    // Per order: queue wait and time inside settlement.
    const settleCalls = timed.filter((call) => call.fn.includes('SettleOrder'));
    const waits: number[] = [];
    const inside: number[] = [];
    const envs = new Set(settleCalls.map((call) => call.env));
    for (const placement of placements) {
      const mine = settleCalls.filter((call) => call.body.includes(placement.orderId));
      if (mine.length === 0) continue;
      const first = Math.min(...mine.map((call) => call.start));
      const last = Math.max(...mine.filter((call) => call.op === 'TransactWriteItems').map((call) => call.end ?? 0));
      waits.push(first - placement.acceptedAt);
      if (last > 0) inside.push(last - first);
    }
    const relayFirst = timed.filter((call) => call.fn.includes('RelayPlacedOrders') && call.op.includes('SendMessage'));
    const toRelay: number[] = [];
    const relayToWorker: number[] = [];
    for (const placement of placements) {
      const sent = relayFirst.find((call) => call.body.includes(placement.orderId));
      const first = settleCalls.filter((call) => call.body.includes(placement.orderId)).map((call) => call.start);
      if (!sent) continue;
      toRelay.push(sent.start - placement.acceptedAt);
      if (first.length) relayToWorker.push(Math.min(...first) - (sent.end ?? sent.start));
    }
    console.log(`  202→relay's SendMessageBatch p50 ${percentile(toRelay, 50).toFixed(0)} ms p99 ${percentile(toRelay, 99).toFixed(0)} ms; its answer→worker's first call p50 ${percentile(relayToWorker, 50).toFixed(0)} ms p99 ${percentile(relayToWorker, 99).toFixed(0)} ms`);
    console.log(`  SettleOrder environments used: ${envs.size}; per order: 202→first settlement call p50 ${percentile(waits, 50).toFixed(0)} ms p99 ${percentile(waits, 99).toFixed(0)} ms; first call→transaction done p50 ${percentile(inside, 50).toFixed(0)} ms p90 ${percentile(inside, 90).toFixed(0)} ms; relay sends ${relayFirst.length}`);
    const busy = [...envs].map((env) => {
      const calls = settleCalls.filter((call) => call.env === env);
      return calls.reduce((sum, call) => sum + ((call.end ?? call.start) - call.start), 0) / 1000;
    });
    console.log(`  SettleOrder time waiting on AWS calls per environment: ${busy.map((s) => s.toFixed(1)).join(', ')} s of ${wall.toFixed(1)} s`);

    const rawJava0 = cpuOfChildren();
    const rawCpu0 = process.cpuUsage();
    const rawPerSecond = await raw.throughput(settlementTx, orders, concurrency);
    const rawCpu = process.cpuUsage(rawCpu0);
    console.log(`  raw CPU per transaction: DynamoDB Local ${(((cpuOfChildren() - rawJava0) * 1000) / orders).toFixed(1)} ms, client ${((rawCpu.user + rawCpu.system) / 1000 / orders).toFixed(1)} ms`);
    console.log(`  raw ${settlementTx.TransactItems.length}-item TransactWriteItems/s at ${concurrency}: ${rawPerSecond.toFixed(1)}; ratio ${((latency.length / wall) / rawPerSecond).toFixed(2)}`);
  }
  if (hotScenario) {
    // The bench's hot-product scenario (quick sizes): 200 orders at 100 buyers, over 20 products, then for one.
    const rush = async (label: string, line: (i: number) => Line) => {
      const started = performance.now();
      const placed = await pooled(Array.from({ length: 200 }, (_, i) => i), 100, (i) => shop.placeOrder(customers[i % customers.length]!, [line(i)]));
      const deadline = performance.now() + 180_000;
      while (placed.some(({ orderId }) => !terminal.has(orderId)) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      const last = Math.max(...placed.map(({ orderId }) => terminal.get(orderId) ?? 0));
      const perSecond = placed.filter(({ orderId }) => terminal.has(orderId)).length / ((last - started) / 1000);
      console.log(`  ${label}: ${perSecond.toFixed(1)} settled/s; load ${loadAverage()}`);
      await sandbox.waitUntilIdle({ timeoutMs: 300_000 });
      return { perSecond, placed };
    };
    console.log('\nhot product (200 orders at 100 buyers):');
    const spread = await rush('20 products', (i) => ({ productId: products[i % 20]!, quantity: 1 }));
    const hot = await shop.product('hot', { w1: 200 });
    const one = await rush('one product, 200 units', () => ({ productId: hot, quantity: 1 }));
    console.log(`  ratio ${(one.perSecond / spread.perSecond).toFixed(2)}; units left ${await shop.stockOf(hot)}`);
  }
} finally {
  await watch.stop();
  raw.destroy();
  await sandbox.stop();
  console.log(`load average at end ${loadAverage()}`);
}
