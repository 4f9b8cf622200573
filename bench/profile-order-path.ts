/**
 * Not part of `npm run bench`: a profiling aid for the "POST /orders p50" row. Starts an in-memory
 * sandbox in this process (as bench/run.ts does), then sends N sequential 1-line POST /orders, each
 * followed by one raw placement transaction (as bench/order-path.ts does), and splits every request
 * into phases seen from this process, without any change to the sandbox:
 *
 * - `in`: client send → the gateway's request event (undici + loopback + HTTP parsing);
 * - `gw`: gateway request event → the invocation posted to the worker (body, routing, JWT, event, code check),
 *   of which `jwt` (TokenAuthority.verify) and `code` (FunctionBundles.current, the hot-reload check);
 * - `pre`: posted → the function's DynamoDB request at the proxy (worker wake-up, handler work, SDK);
 * - `proxy`: the proxy's own time around DynamoDB Local (request read, plan, forwarding, answer);
 * - `ddb`: the proxy's upstream request created → its answer read (DynamoDB Local itself);
 * - `post`: the proxy answered → the worker's response message (SDK parsing, handler work, postMessage);
 * - `out`: the worker's response → the gateway's response finished → client has the body.
 *
 * It also reports, over the N requests: this thread's utilization, event-loop delay and GC pauses,
 * the CPU time of every thread of the process and of DynamoDB Local's Java (from /proc, Linux), the
 * DynamoDB Local requests by caller, and connections the measured requests could not reuse.
 *
 *   tsx bench/profile-order-path.ts [--n=50] [--idle] [--cpu=<file>]
 *
 * `--idle` waits until the sandbox is idle after each request (no settlement running meanwhile), then
 * reopens the client's keep-alive connection with a GET /_sandbox/info;
 * `--cpu=<file>` writes a CPU profile of this process's main thread during the N requests.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo, Server } from 'node:net';
import { monitorEventLoopDelay, PerformanceObserver, performance as hooks } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { FunctionBundles } from '../sandbox/functions/build.ts';
import { TokenAuthority } from '../sandbox/gateway/jwt.ts';
import { startSandbox } from '../sandbox/index.ts';
import { CallTap } from './call-tap.ts';
import { RawTable } from './raw.ts';
import { Shop } from './shop.ts';
import { percentile } from './stats.ts';

const args = process.argv.slice(2);
const n = Number(args.find((arg) => arg.startsWith('--n='))?.slice(4) ?? 50);
const idle = args.includes('--idle');
const cpu = args.find((arg) => arg.startsWith('--cpu='))?.slice(6);

interface Marks {
  gwStart?: number;
  posted?: number;
  proxyStart?: number;
  upstreamStart?: number;
  upstreamEnd?: number;
  proxyEnd?: number;
  answered?: number;
  gwEnd?: number;
  jwt?: number;
  code?: number;
}
let current: Marks | undefined;
let gatewayPort = -1;
const ORDERS_AGENT = /(?:^|\s)app\/\w*OrdersApi/;
const requestIds = new Set<string>();

subscribe('http.server.request.start', (message) => {
  const { request, server } = message as { request: IncomingMessage; server: Server };
  if (!current) return;
  const port = (server.address() as AddressInfo).port;
  if (port === gatewayPort && request.method === 'POST' && request.url === '/orders') {
    current.gwStart = performance.now();
    if (!seenSockets.has(request.socket)) fresh.gateway++;
    seenSockets.add(request.socket);
  } else if (ORDERS_AGENT.test(String(request.headers['user-agent'] ?? '')) && String(request.headers['x-amz-target'] ?? '').endsWith('TransactWriteItems')) {
    current.proxyStart = performance.now();
    if (!seenSockets.has(request.socket)) fresh.proxy++;
    seenSockets.add(request.socket);
  }
});
subscribe('http.server.response.finish', (message) => {
  const { request, server } = message as { request: IncomingMessage; response: ServerResponse; server: Server };
  if (!current) return;
  const port = (server.address() as AddressInfo).port;
  if (port === gatewayPort && request.url === '/orders') current.gwEnd = performance.now();
  else if (ORDERS_AGENT.test(String(request.headers['user-agent'] ?? '')) && String(request.headers['x-amz-target'] ?? '').endsWith('TransactWriteItems')) current.proxyEnd = performance.now();
});
// Connections the measured requests could not reuse: client → gateway, function → proxy, proxy → DynamoDB Local.
const seenSockets = new WeakSet<object>();
const fresh = { gateway: 0, proxy: 0, upstream: 0 };
const upstream = new WeakSet<ClientRequest>();
subscribe('http.client.request.created', (message) => {
  const { request } = message as { request: ClientRequest };
  if (!current) return;
  if (ORDERS_AGENT.test(String(request.getHeader('user-agent') ?? '')) && String(request.getHeader('x-amz-target') ?? '').endsWith('TransactWriteItems')) {
    current.upstreamStart = performance.now();
    upstream.add(request);
    request.once('socket', () => void (request.reusedSocket || fresh.upstream++));
  }
});
// Every request this process sends to DynamoDB Local while measuring, by caller and operation.
const dynamodbCalls = new Map<string, number>();
let dynamodbPort = -1;
let measuring = false;
subscribe('http.client.request.created', (message) => {
  const { request } = message as { request: ClientRequest };
  const target = String(request.getHeader('x-amz-target') ?? '');
  if (!measuring || !target.startsWith('DynamoDB')) return;
  // A function's call, as the proxy forwards it (its user agent names the function), or a direct one.
  const caller = /(?:^|\s)app\/([A-Za-z]+?)[A-F0-9]{8}\./.exec(String(request.getHeader('user-agent') ?? ''))?.[1];
  if (!caller && !String(request.getHeader('host') ?? '').endsWith(`:${dynamodbPort}`)) return;
  const key = `${caller ?? 'sandbox/bench'} ${target.slice(target.indexOf('.') + 1)}`;
  dynamodbCalls.set(key, (dynamodbCalls.get(key) ?? 0) + 1);
});
subscribe('http.client.response.finish', (message) => {
  const { request } = message as { request: ClientRequest };
  if (current && upstream.has(request)) current.upstreamEnd = performance.now();
});
const postMessage = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (this: Worker, value: any, ...rest: any[]) {
  if (current && value?.event?.routeKey === 'POST /orders') {
    current.posted = performance.now();
    requestIds.add(value.awsRequestId);
  }
  return postMessage.call(this, value, ...(rest as []));
};
const emit = Worker.prototype.emit;
Worker.prototype.emit = function (this: Worker, name: string | symbol, ...rest: any[]) {
  if (current && name === 'message' && requestIds.has(rest[0]?.awsRequestId)) current.answered = performance.now();
  return emit.call(this, name, ...rest);
} as typeof emit;

// Every call while measuring (the functions of the settlement too): how long it held this thread, how long it took.
const totals: Record<string, { calls: number; blocking: number; wall: number }> = {};
// Inside the gateway's own time: the JWT check and the hot-reload check of the function's code.
const timed = <K extends 'jwt' | 'code'>(target: any, method: string, mark: K) => {
  const original = target[method];
  target[method] = async function (this: unknown, ...rest: unknown[]) {
    const marks = current;
    const t0 = performance.now();
    let t1 = t0;
    try {
      const result = original.apply(this, rest);
      t1 = performance.now();
      return await result;
    } finally {
      const t2 = performance.now();
      if (marks && marks.gwStart !== undefined && marks.posted === undefined) marks[mark] = t2 - t0;
      if (marks) {
        const total = (totals[mark] ??= { calls: 0, blocking: 0, wall: 0 });
        total.calls += 1;
        total.blocking += t1 - t0;
        total.wall += t2 - t0;
      }
    }
  };
};
timed(TokenAuthority.prototype, 'verify', 'jwt');
timed(FunctionBundles.prototype, 'current', 'code');

const tap = new CallTap();
const sandbox = await startSandbox({ port: 0, inMemory: true, logs: process.env.BENCH_LOGS === '1', scheduleTimers: false, visibilityTimeoutSeconds: 20 });
gatewayPort = Number(new URL(sandbox.url).port);
dynamodbPort = Number(new URL(sandbox.endpoints.dynamodb).port);
const raw = RawTable.on(sandbox.endpoints.dynamodb, sandbox.tableName);
try {
  const shop = await Shop.open(sandbox);
  await shop.product('first', { w1: 1 });
  const products = await Promise.all([0, 1, 2, 3].map((i) => shop.product(`p${i}`, { w1: 1_000_000 })));
  const customers = await shop.customers(16, 4);
  for (let i = 0; i < 10; i++) await shop.placeOrder(customers[i % customers.length]!, [{ productId: products[i % products.length]!, quantity: 1 }]);
  await sandbox.waitUntilIdle({ timeoutMs: 120_000 });
  const call = [...tap.lastOf.entries()].find(([key]) => key.includes('OrdersApi') && key.endsWith(':TransactWriteItems'))?.[1];
  if (!call) throw new Error('no placement transaction seen');
  const placementTx = structuredClone(call.body);

  const session = cpu ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  }
  const cpuBefore = threadCpu();
  measuring = true;
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const utilization = hooks.eventLoopUtilization();
  const gc = { count: 0, total: 0, max: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count += 1;
      gc.total += entry.duration;
      gc.max = Math.max(gc.max, entry.duration);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const rows: Record<string, number[]> = { total: [], raw: [], in: [], gw: [], jwt: [], code: [], pre: [], proxy: [], ddb: [], post: [], out: [] };
  for (let i = 0; i < n; i++) {
    const marks: Marks = {};
    current = marks;
    const placed = await shop.placeOrder(customers[i % customers.length]!, [{ productId: products[i % products.length]!, quantity: 1 }]);
    current = undefined;
    rows['raw']!.push(await raw.replay(placementTx));
    const { gwStart, posted, proxyStart, upstreamStart, upstreamEnd, proxyEnd, answered } = marks;
    if ([gwStart, posted, proxyStart, upstreamStart, upstreamEnd, proxyEnd, answered].some((mark) => mark === undefined)) {
      console.log(`request ${i}: marks missing ${JSON.stringify(marks)}`);
      continue;
    }
    rows['total']!.push(placed.acceptedAt - placed.sentAt);
    rows['in']!.push(gwStart! - placed.sentAt);
    rows['gw']!.push(posted! - gwStart!);
    rows['jwt']!.push(marks.jwt ?? NaN);
    rows['code']!.push(marks.code ?? NaN);
    rows['pre']!.push(proxyStart! - posted!);
    rows['proxy']!.push(upstreamStart! - proxyStart! + (proxyEnd! - upstreamEnd!));
    rows['ddb']!.push(upstreamEnd! - upstreamStart!);
    rows['post']!.push(answered! - proxyEnd!);
    rows['out']!.push(placed.acceptedAt - answered!);
    if (idle) {
      await sandbox.waitUntilIdle({ timeoutMs: 120_000 });
      // The wait outlasts the gateway's keep-alive: open the client's connection again, no function involved.
      await (await fetch(`${sandbox.url}/_sandbox/info`)).text();
    }
  }
  lag.disable();
  measuring = false;
  const cpuAfter = threadCpu();
  gcObserver.disconnect();
  const busy = hooks.eventLoopUtilization(utilization).utilization;
  if (session) writeFileSync(cpu!, JSON.stringify((await session.post('Profiler.stop')).profile));
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`${n} sequential POST /orders${idle ? ' (idle between)' : ''}, load ${load}`);
  for (const [name, values] of Object.entries(rows)) {
    console.log(`${name.padEnd(6)} p50 ${percentile(values, 50).toFixed(1).padStart(6)}  p90 ${percentile(values, 90).toFixed(1).padStart(6)}  ms`);
  }
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  console.log(`this thread (gateway, proxies, pollers, bench client) busy ${(100 * busy).toFixed(0)}% while measuring; event-loop delay p50 ${ms(lag.percentile(50))} p90 ${ms(lag.percentile(90))} p99 ${ms(lag.percentile(99))} max ${ms(lag.max)} ms`);
  console.log(`garbage collection on this thread while measuring: ${gc.count} pauses, ${gc.total.toFixed(0)} ms in all, the longest ${gc.max.toFixed(1)} ms; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
  const spent = new Map<string, number>();
  for (const [key, ticks] of cpuAfter) {
    const name = key.split(':')[0]!;
    spent.set(name, (spent.get(name) ?? 0) + ticks - (cpuBefore.get(key) ?? 0));
  }
  const perRequest = [...spent].filter(([, ticks]) => ticks > 0).sort((a, b) => b[1] - a[1]);
  console.log(`CPU while measuring, ms per request (${n} requests + their settlement): ${perRequest.map(([name, ticks]) => `${name} ${((ticks * 10) / n).toFixed(1)}`).join(', ')}`);
  const calls = [...dynamodbCalls].sort((a, b) => b[1] - a[1]);
  console.log(`DynamoDB Local requests per POST (functions' through the proxy; direct ones of the sandbox's pollers and this script's clients): ${calls.map(([key, count]) => `${key} ${(count / n).toFixed(1)}`).join(', ')}`);
  for (const [mark, total] of Object.entries(totals)) console.log(`${mark}: ${total.calls} calls while measuring, ${(total.blocking / total.calls).toFixed(2)} ms on this thread and ${(total.wall / total.calls).toFixed(2)} ms to resolve each`);
  console.log(`new connections of the measured requests: ${fresh.gateway} to the gateway (the first included), ${fresh.proxy} to the proxy, ${fresh.upstream} to DynamoDB Local`);
  console.log(`ratio  ${(percentile(rows['total']!, 50) / percentile(rows['raw']!, 50)).toFixed(2)}×`);
} finally {
  raw.destroy();
  await sandbox.stop();
}

/** CPU ticks (10 ms) by `<thread or process name>:<id>`: this process's threads, and DynamoDB Local's Java. */
function threadCpu(): Map<string, number> {
  const ticks = new Map<string, number>();
  const read = (dir: string, name: (comm: string) => string) => {
    for (const task of readdirSync(dir)) {
      try {
        const stat = readFileSync(`${dir}/${task}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks.set(`${name(comm)}:${task}`, Number(fields[11]) + Number(fields[12]));
      } catch {
        // the thread ended
      }
    }
  };
  read('/proc/self/task', (comm) => comm);
  for (const child of readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
    if (readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('DynamoDBLocal')) read(`/proc/${child}/task`, () => 'java (DynamoDB Local)');
  }
  return ticks;
}
