import type { TestProject } from 'vitest/node';
import { startSandbox } from '../../sandbox/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the sandbox's HTTP API, which also serves the `/_sandbox/*` routes. */
    sandboxUrl: string;
  }
}

/**
 * One in-memory sandbox for the whole integration project, on a random port. Tests reach it over
 * HTTP only. Failed queue messages come back after 2 s instead of the template's visibility timeout.
 * SANDBOX_LOGS=1 shows function output.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sandbox = await startSandbox({
    port: 0,
    inMemory: true,
    logs: process.env['SANDBOX_LOGS'] === '1',
    visibilityTimeoutSeconds: 2,
  });
  project.provide('sandboxUrl', sandbox.url);
  return () => sandbox.stop();
}
