import { startSandbox } from '../sandbox/index.ts';

/** One in-memory sandbox start, timed to ready, then stopped: a sample of bench/sandbox-start.ts. */
const t0 = performance.now();
const sandbox = await startSandbox({ port: 0, inMemory: true, logs: false });
const ms = performance.now() - t0;
await sandbox.stop();
console.log(JSON.stringify({ ms }));
