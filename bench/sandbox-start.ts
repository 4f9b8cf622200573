import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../lib/settings.ts';

/**
 * Sandbox start-up as `npm start` pays it: synthesis, DynamoDB Local and fauxqs, the function
 * builds and the gateway, in memory on a random port, each run in a fresh Node process through tsx
 * (bench/sandbox-start-once.ts). Median of RUNS; the figure is start-up to ready, not the stop.
 */
const RUNS = Number(process.env.BENCH_SANDBOX_RUNS ?? 3);

export function sandboxStart(): void {
  const once = fileURLToPath(new URL('./sandbox-start-once.ts', import.meta.url));
  const samples = Array.from({ length: RUNS }, () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', once], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return (JSON.parse(output.trim().split('\n').at(-1)!) as { ms: number }).ms;
  });
  const median = [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
  console.log(`\nsandbox start-up (in memory, ${RUNS} fresh processes, median): ${(median / 1000).toFixed(1)} s`);
}
