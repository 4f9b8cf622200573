import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { CommerceStack } from '../../lib/commerce-stack.ts';
import { projectRoot } from '../../lib/settings.ts';

/**
 * Docker must never be needed to synthesize (SPEC: no Docker). The CDK runs Docker through
 * `$CDK_DOCKER`, so pointing it at a path that does not exist makes any attempt to use Docker
 * (image build or container bundling) fail synthesis instead of silently working on a dev box.
 */
export const NO_DOCKER = join(projectRoot, 'test/infra/docker-is-not-available');
process.env.CDK_DOCKER = NO_DOCKER;

/** The feature flags of cdk.json: `cdk synth` passes them to the app, so the tests must too. */
export const cdkJsonContext: Record<string, unknown> = JSON.parse(
  readFileSync(join(projectRoot, 'cdk.json'), 'utf8'),
).context;

const scratchDirs: string[] = [];
// Cloud assemblies hold megabytes of bundles: remove them when the test file is done.
afterAll(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A scratch directory for one test file, removed after its tests. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'commerce-infra-'));
  scratchDirs.push(dir);
  return dir;
}

export function newApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...cdkJsonContext, ...context }, outdir: scratchDir() });
}

export interface Synthesized {
  readonly app: App;
  readonly stack: CommerceStack;
  readonly template: Template;
  readonly assembly: CloudAssembly;
}

const cache = new Map<string, Synthesized>();

/**
 * The Commerce stack, synthesized with real esbuild bundling. Cached: each test file (its own
 * module graph under vitest) synthesizes a given variant once. `bundling: false` skips bundling
 * (the `aws:cdk:bundling-stacks` context the CLI uses to bundle only selected stacks) for variants whose tests never look at code.
 */
export function synthesize(options: { ephemeral?: boolean; bundling?: boolean } = {}): Synthesized {
  const { ephemeral = false, bundling = true } = options;
  const key = JSON.stringify({ ephemeral, bundling });
  const cached = cache.get(key);
  if (cached) return cached;
  const app = newApp(bundling ? {} : { 'aws:cdk:bundling-stacks': [] });
  const stack = new CommerceStack(app, 'Commerce', { ephemeral });
  const assembly = app.synth();
  const synthesized = { app, stack, template: Template.fromStack(stack), assembly };
  cache.set(key, synthesized);
  return synthesized;
}
