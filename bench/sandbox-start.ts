import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../lib/settings.ts';
import type { Figure } from './figures.ts';
import { progress } from './progress.ts';
import { summarize } from './stats.ts';

/**
 * Sandbox start-up as `npm start` pays it: synthesis, DynamoDB Local and fauxqs, the function
 * builds and the gateway, in memory on a random port, each run in a fresh Node process through tsx
 * (bench/sandbox-start-once.ts): to ready, and to the first healthy answer. No SPEC budget.
 */
export function sandboxStart(runs: number): Figure[] {
  const once = fileURLToPath(new URL('./sandbox-start-once.ts', import.meta.url));
  const samples: Array<{ readyMs: number; healthyMs: number }> = [];
  for (let run = 0; run < runs; run++) {
    const output = execFileSync(process.execPath, ['--import', 'tsx', once], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    samples.push(JSON.parse(output.trim().split('\n').at(-1)!) as { readyMs: number; healthyMs: number });
    progress(`sandbox start-up: run ${run + 1}/${runs}: ready in ${(samples.at(-1)!.readyMs / 1000).toFixed(1)} s`);
  }
  const note = 'in memory, fresh process per run';
  return [
    { section: 'start-up', name: 'sandbox start to ready', unit: 's', value: summarize(samples.map((s) => s.readyMs / 1000)), note },
    { section: 'start-up', name: 'sandbox start to healthy (GET /health 200)', unit: 's', value: summarize(samples.map((s) => s.healthyMs / 1000)), note },
  ];
}
