import { startSandbox } from '../sandbox/index.ts';

/**
 * One in-memory sandbox start, timed to ready (startSandbox resolved) and to healthy (the first
 * `GET /health` answered 200, which includes the catalog function's first cold start), then
 * stopped: a sample of bench/sandbox-start.ts.
 */
const t0 = performance.now();
const sandbox = await startSandbox({ port: 0, inMemory: true, logs: false, scheduleTimers: false });
const readyMs = performance.now() - t0;
let healthy = false;
while (!healthy) healthy = (await fetch(`${sandbox.url}/health`)).status === 200;
const healthyMs = performance.now() - t0;
await sandbox.stop();
console.log(JSON.stringify({ readyMs, healthyMs }));
