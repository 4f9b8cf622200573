import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions } from '../lib/function.ts';
import { projectRoot } from '../lib/settings.ts';
import type { Figure } from './figures.ts';
import { stackFunctions } from './functions.ts';
import { progress } from './progress.ts';
import { ratios, summarize } from './stats.ts';

/**
 * Cold-start cost of each function as deployed (SPEC §7): bundle size, and the time and memory to
 * load and initialise the bundle in a fresh Node process (module evaluation, SDK clients, config) —
 * the part of a cold start the code controls — each compared with a minimal DynamoDB GetItem
 * handler bundled the same way (bench/minimal-handler.ts) and loaded in the same rounds. A round
 * loads every bundle once, in an order that rotates from round to round, so drift in the machine's
 * load hits all of them alike; the ratio is taken round by round.
 */
export interface ColdStartOptions {
  readonly rounds: number;
  /** The Node.js that loads the bundles: this one, or another to compare with (BENCH_NODE=/usr/bin/node). */
  readonly node: string;
}

const BUDGET = { on: 'ratio', direction: 'at most', limit: 1.5 } as const;
const MINIMAL = 'minimal GetItem handler';

const loader = `
const c0 = process.cpuUsage();
const t0 = performance.now();
await import(process.argv[1]);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.memoryUsage().rss / 2 ** 20 }));
`;

interface Sample {
  readonly ms: number;
  /** CPU time of the init (user + system, all threads): what a shared machine's load hardly moves. */
  readonly cpuMs: number;
  readonly rssMb: number;
}

interface Bundle {
  readonly name: string;
  readonly outfile: string;
  readonly kib: number;
  /** KiB in the bundle by package (project code as `project`), largest first. */
  readonly composition: Record<string, number>;
}

export interface ColdStartResult {
  readonly figures: Figure[];
  /** What each bundle is made of, for docs/performance.md and the findings of issue 9. */
  readonly composition: Record<string, Record<string, number>>;
}

export async function coldStart(options: ColdStartOptions): Promise<ColdStartResult> {
  const outDir = join(projectRoot, '.sandbox', 'bench', 'bundles');
  mkdirSync(outDir, { recursive: true });
  const sources = [
    { name: MINIMAL, entry: fileURLToPath(new URL('./minimal-handler.ts', import.meta.url)) },
    ...stackFunctions().map(({ name, entry }) => ({ name, entry: join(projectRoot, entry) })),
  ];
  progress(`cold start: bundling ${sources.length} entries with the deploy's esbuild options`);
  const bundles = await Promise.all(sources.map(({ name, entry }) => bundle(name, entry, outDir)));

  const version = execFileSync(options.node, ['--version'], { encoding: 'utf8' }).trim();
  progress(`cold start: ${options.rounds} rounds, each loading every bundle in a fresh Node ${version} process`);
  const samples = new Map<string, Sample[]>(bundles.map((b) => [b.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    const order = bundles.map((_, i) => bundles[(i + round) % bundles.length]!);
    for (const b of order) samples.get(b.name)!.push(load(options.node, b.outfile));
    progress(`cold start: round ${round + 1}/${options.rounds} done`);
  }

  const minimal = bundles[0]!;
  const base = samples.get(MINIMAL)!;
  const figures: Figure[] = [];
  const baseKib = summarize([minimal.kib]);
  for (const b of bundles.slice(1)) {
    const own = samples.get(b.name)!;
    figures.push({
      section: 'bundle',
      name: b.name,
      unit: 'KiB',
      value: summarize([b.kib]),
      baseline: { name: MINIMAL, value: baseKib },
      ratio: summarize([b.kib / minimal.kib]),
      budget: BUDGET,
    });
    /** A per-load figure of this bundle against the minimal handler's loads in the same rounds. */
    const perLoad = (section: string, unit: string, of: (sample: Sample) => number, extra: Partial<Figure> = {}): Figure => ({
      section,
      name: b.name,
      unit,
      value: summarize(own.map(of)),
      baseline: { name: MINIMAL, value: summarize(base.map(of)) },
      ratio: ratios(own.map(of), base.map(of)),
      ...extra,
    });
    figures.push(
      perLoad('module init', 'ms', (s) => s.ms, { budget: BUDGET, note: `Node ${version}, fresh process per load` }),
      perLoad('init CPU', 'ms', (s) => s.cpuMs, { note: 'user + system CPU of the init: on a loaded machine steadier than the wall time' }),
      perLoad('init RSS', 'MiB', (s) => s.rssMb),
    );
  }
  return { figures, composition: Object.fromEntries(bundles.map((b) => [b.name, b.composition])) };
}

async function bundle(name: string, entry: string, outDir: string): Promise<Bundle> {
  const outfile = join(outDir, `${name.replace(/\W+/g, '-')}.mjs`);
  const { metafile } = await build({ ...esbuildOptions, absWorkingDir: projectRoot, entryPoints: [entry], outfile, metafile: true, logLevel: 'silent' });
  return { name, outfile, kib: statSync(outfile).size / 1024, composition: composition(metafile) };
}

/** Bytes in the output by package, from esbuild's metafile. */
function composition(metafile: Metafile): Record<string, number> {
  const [output] = Object.values(metafile.outputs);
  const bytes = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    let owner = match?.[1] ?? 'project';
    if (owner === 'zod' && path.includes('/locales/')) owner = 'zod (locales)';
    bytes.set(owner, (bytes.get(owner) ?? 0) + bytesInOutput);
  }
  return Object.fromEntries(
    [...bytes]
      .sort((a, b) => b[1] - a[1])
      .filter(([, size]) => size >= 1024)
      .map(([owner, size]) => [owner, Math.round(size / 102.4) / 10]),
  );
}

function load(node: string, outfile: string): Sample {
  const env = {
    ...process.env,
    TABLE_NAME: 'bench',
    ORDER_QUEUE_URL: 'http://localhost/queue',
    AWS_REGION: 'us-east-1',
    // Cold-start work that calls out (the catalog's cache warm-up) must not block or reach AWS.
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
  const output = execFileSync(node, ['--input-type=module', '-e', loader, outfile], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(output.trim().split('\n').at(-1)!) as Sample;
}
