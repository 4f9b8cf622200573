import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startSandbox } from '../../sandbox/index.ts';
import { BACKSTOP_TIMEOUT_SECONDS } from './settling.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the sandbox's HTTP API, which also serves the `/_sandbox/*` routes. */
    sandboxUrl: string;
    /** Where tests that start a sandbox of their own leave its recorded calls for the exact-grants check. */
    callsDir: string;
  }
}

/**
 * One in-memory sandbox for the whole integration project, on a random port. Tests reach it over
 * HTTP only. Failed queue messages come back after 2 s instead of the template's visibility timeout,
 * and the backstop runs only on demand, treating an order as stuck after 3 s instead of 5 minutes.
 * SANDBOX_LOGS=1 shows function output.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sandbox = await startSandbox({
    port: 0,
    inMemory: true,
    logs: process.env['SANDBOX_LOGS'] === '1',
    visibilityTimeoutSeconds: 2,
    // The backstop runs when a test asks (POST /_sandbox/schedules), and sees orders as stuck after
    // seconds, not minutes: no test sees it act on its orders unless it asked.
    scheduleTimers: false,
    env: { PENDING_ORDER_TIMEOUT_SECONDS: String(BACKSTOP_TIMEOUT_SECONDS) },
  });
  project.provide('sandboxUrl', sandbox.url);
  const callsDir = await mkdtemp(join(tmpdir(), 'commerce-calls-'));
  project.provide('callsDir', callsDir);
  return async () => {
    await sandbox.stop();
    await rm(callsDir, { recursive: true, force: true });
  };
}
