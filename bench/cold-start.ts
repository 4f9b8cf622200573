import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { CommerceStack } from '../lib/commerce-stack.ts';
import { bundlingOptions, ENTRY_METADATA_KEY } from '../lib/function.ts';
import { projectRoot } from '../lib/settings.ts';

/**
 * Cold-start cost of each function as deployed: bundle size, and the time and memory to load and
 * initialise the bundle in a fresh Node process (module evaluation, SDK clients, config) — the
 * part of a cold start the code controls. Median of RUNS fresh processes.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** The Node.js that loads the bundles: this one, or another to compare with (BENCH_NODE=/usr/bin/node). */
const NODE = process.env.BENCH_NODE ?? process.execPath;

function entries(): Array<{ name: string; entry: string }> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CommerceStack(app, 'Bench', { ephemeral: true });
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.[ENTRY_METADATA_KEY])
    .map(([name, r]) => ({ name, entry: r.Metadata![ENTRY_METADATA_KEY]! }));
}

const loader = `
const t0 = performance.now();
await import(process.argv[1]);
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, rssMb: process.memoryUsage().rss / 2 ** 20 }));
`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function coldStart(): Promise<void> {
  const outDir = join(projectRoot, '.sandbox', 'bench');
  mkdirSync(outDir, { recursive: true });
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
  const version = execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`cold start: ${RUNS} fresh Node ${version} processes per function (median)\n`);
  console.log('function'.padEnd(34), 'bundle KiB'.padStart(10), 'init ms'.padStart(9), 'RSS MiB'.padStart(9));
  for (const { name, entry } of entries()) {
    const outfile = join(outDir, `${name}.mjs`);
    await build({ ...bundlingOptions, banner: { js: bundlingOptions.banner }, mainFields: [...bundlingOptions.mainFields], entryPoints: [join(projectRoot, entry)], bundle: true, platform: 'node', outfile, logLevel: 'silent' });
    const samples = Array.from({ length: RUNS }, () =>
      JSON.parse(execFileSync(NODE, ['--input-type=module', '-e', loader, outfile], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').at(-1)!) as { ms: number; rssMb: number },
    );
    console.log(
      name.slice(0, 34).padEnd(34),
      (statSync(outfile).size / 1024).toFixed(0).padStart(10),
      median(samples.map((s) => s.ms)).toFixed(1).padStart(9),
      median(samples.map((s) => s.rssMb)).toFixed(1).padStart(9),
    );
  }
}
