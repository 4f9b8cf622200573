import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../lib/settings.ts';
import { startSandbox } from '../sandbox/index.ts';
import { CallTap } from './call-tap.ts';
import { coldStart } from './cold-start.ts';
import type { Figure } from './figures.ts';
import { blackFriday } from './black-friday.ts';
import { orderPath, type OrderPathOptions } from './order-path.ts';
import { progress } from './progress.ts';
import { formatTable, renderChart, writeJson, type BenchResults } from './report.ts';
import { sandboxStart } from './sandbox-start.ts';
import { typecheck } from './typecheck.ts';

/**
 * `npm run bench [-- --quick] [-- --only=cold-start,start-up,typecheck,order-path]`: every figure
 * of SPEC §7 against baselines run in the same run, repeated (min/median/max), printed as a table,
 * written to bench/results.json and drawn in docs/performance.svg. The order path includes the
 * Black Friday scenario; `--only=black-friday` runs that scenario alone, on a sandbox of its own.
 * Measurements, never assertions: a figure over its budget is reported, not failed. Exit code 2
 * only if a section could not run.
 */
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const wants = (section: string) => !only || only.includes(section);
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const sizes = quick
  ? { coldRounds: 3, startRuns: 1, typecheckRuns: 1 }
  : { coldRounds: Number(process.env.BENCH_RUNS ?? 7), startRuns: Number(process.env.BENCH_SANDBOX_RUNS ?? 3), typecheckRuns: 3 };
const orderSizes: OrderPathOptions = quick
  ? { rounds: 2, orders: 150, concurrency: 16, latencySamples: 20, hotOrders: 240, hotUnits: 400, hotConcurrency: 100, writeOrders: 20 }
  : { rounds: 3, orders: 600, concurrency: 16, latencySamples: 50, hotOrders: 1200, hotUnits: 2000, hotConcurrency: 200, writeOrders: 50 };

const startLoad = loadAverage();
const t0 = performance.now();
console.log(`npm run bench${quick ? ' -- --quick' : ''}: node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} cores, load average ${startLoad}\n`);

const figures: Figure[] = [];
const errors: Array<{ section: string; message: string }> = [];
const composition: Record<string, Record<string, number>> = {};
async function section(name: string, measure: () => Promise<Figure[]> | Figure[]): Promise<void> {
  if (!wants(name)) return;
  try {
    figures.push(...(await measure()));
  } catch (error) {
    errors.push({ section: name, message: error instanceof Error ? error.message : String(error) });
    progress(`${name} could not be measured: ${String(error)}`);
  }
}

await section('cold-start', async () => {
  const result = await coldStart({ rounds: sizes.coldRounds, node: process.env.BENCH_NODE ?? process.execPath });
  Object.assign(composition, result.composition);
  return result.figures;
});
await section('start-up', () => sandboxStart(sizes.startRuns));
await section('typecheck', () => typecheck(sizes.typecheckRuns));
await section('order-path', async () => {
  // The tap must see the proxies' requests: it subscribes before the sandbox starts, in this process.
  const tap = new CallTap();
  progress('order path: starting a sandbox (in memory, backstop on demand only)');
  // A message whose settlement failed (an init over 10 s on a loaded machine) comes back in 20 s,
  // not the template's minutes: longer than any settlement's batch window plus run time.
  const sandbox = await startSandbox({ port: 0, inMemory: true, logs: process.env.BENCH_LOGS === '1', scheduleTimers: false, visibilityTimeoutSeconds: 20 });
  try {
    return await orderPath(sandbox, tap, orderSizes);
  } finally {
    await sandbox.stop();
  }
});

// The order path runs the Black Friday scenario in each of its rounds: alone only when asked for.
if (!wants('order-path')) {
  await section('black-friday', async () => {
    progress('black friday: starting a sandbox (in memory, backstop on demand only)');
    const sandbox = await startSandbox({ port: 0, inMemory: true, logs: process.env.BENCH_LOGS === '1', scheduleTimers: false, visibilityTimeoutSeconds: 20 });
    try {
      return await blackFriday(sandbox, orderSizes);
    } finally {
      await sandbox.stop();
    }
  });
}

const results: BenchResults = {
  generatedAt: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
  machine: { node: process.version, platform: process.platform, arch: process.arch, cpus: cpus().length },
  loadAverage: { start: startLoad, end: loadAverage() },
  durationSeconds: Math.round((performance.now() - t0) / 1000),
  figures,
  errors,
};
console.log(formatTable(figures));
for (const { section: name, message } of errors) console.log(`\n${name}: NOT MEASURED: ${message}`);
console.log(`\nload average ${results.loadAverage.start} → ${results.loadAverage.end}, ${results.durationSeconds} s`);
writeJson(join(projectRoot, 'bench', 'results.json'), { ...results, composition } as BenchResults);
writeFileSync(join(projectRoot, 'docs', 'performance.svg'), renderChart(results));
console.log('wrote bench/results.json and docs/performance.svg');
process.exitCode = errors.length ? 2 : 0;
