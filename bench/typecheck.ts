import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../lib/settings.ts';
import type { Figure } from './figures.ts';
import { progress } from './progress.ts';
import { summarize } from './stats.ts';

/** The developer loop's typecheck (`tsc --noEmit`), wall time of whole runs, as docs/performance.md quotes it. */
export function typecheck(runs: number): Figure[] {
  const tsc = join(projectRoot, 'node_modules', '.bin', 'tsc');
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    execFileSync(tsc, ['--noEmit'], { cwd: projectRoot, stdio: 'ignore' });
    samples.push((performance.now() - t0) / 1000);
  }
  progress(`typecheck: ${runs} runs`);
  return [{ section: 'toolchain', name: 'typecheck, tsc --noEmit', unit: 's', value: summarize(samples) }];
}
