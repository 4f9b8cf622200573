import { Worker } from 'node:worker_threads';
import { RuntimeMismatchError, UnsupportedTemplateError } from '../errors.ts';
import type { FunctionSpec } from '../topology/functions.ts';

/** What a function runs on here: its template runtime and the Node.js its worker thread reports. */
export interface FunctionRuntime {
  readonly runtime: string;
  readonly node: string;
}

/** The Node.js major of a Lambda runtime identifier: `nodejs24.x` → 24. */
export function nodeMajorOf(runtime: string): number {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  if (!match) throw new UnsupportedTemplateError(`Runtime ${runtime || '(none)'} is not emulated: only nodejs<major>.x functions run locally`);
  return Number(match[1]);
}

/** `process.versions.node` as seen inside a worker thread, where every execution environment runs. */
export function workerNodeVersion(): Promise<string> {
  return new Promise((resolve, reject) => {
    const probe = new Worker("require('node:worker_threads').parentPort.postMessage(process.versions.node)", { eval: true });
    probe.once('message', (version: string) => {
      resolve(version);
      void probe.terminate();
    });
    probe.once('error', reject);
  });
}

/**
 * Each function's runtime against the Node.js its code would run on here. A function whose template
 * asks for another major would be tested on a Node.js it never runs on in Lambda: refused.
 */
export function checkRuntimes(specs: readonly FunctionSpec[], nodeVersion: string): Record<string, FunctionRuntime> {
  const major = Number(nodeVersion.split('.')[0]);
  const mismatched = specs.filter((fn) => nodeMajorOf(fn.runtime) !== major);
  if (mismatched.length > 0) {
    const wanted = [...new Set(mismatched.map((fn) => fn.runtime))].join(', ');
    throw new RuntimeMismatchError(
      `${mismatched.map((fn) => fn.logicalId).join(', ')} declare ${wanted}, but this sandbox runs Node.js ${nodeVersion}. ` +
        "Start it through npm (npm start, npm test), which runs the project's own Node.js from node_modules/.bin.",
    );
  }
  return Object.fromEntries(specs.map((fn) => [fn.logicalId, { runtime: fn.runtime, node: nodeVersion }]));
}
