import { build, context, type BuildContext, type BuildFailure, type Message, type Metafile } from 'esbuild';
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlingOptions, esbuildOptions } from '../../lib/function.ts';
import { projectRoot } from '../../lib/settings.ts';
import { FunctionBuildError } from '../errors.ts';

/** One build of a function: the bundle to import, numbered so workers running older code can be retired. */
export interface CodeVersion {
  readonly bundlePath: string;
  readonly generation: number;
}

interface Bundle {
  readonly bundlePath: string;
  /** mtime of every project file in the bundle (node_modules excluded), by absolute path. */
  inputs: Map<string, number>;
  generation: number;
}

/** Files outside the import graph that still change what esbuild produces. */
const PROJECT_CONFIG_FILES = ['package.json', 'tsconfig.json'].map((file) => join(projectRoot, file));

/**
 * Every function's bundle, built with the deploy's own esbuild options (lib/function.ts) in one
 * esbuild context (shared modules are parsed once), to `<outDir>/<logicalId>/index.mjs`. Before each
 * invocation the project files of that function's bundle are stat'ed; if one changed, everything is
 * rebuilt (incrementally) and the functions whose inputs changed get a new generation: hot reload.
 */
export class FunctionBundles {
  private readonly bundles = new Map<string, Bundle>();
  private build: BuildContext | undefined;
  private rebuilding: Promise<void> | undefined;
  private failure: FunctionBuildError | undefined = new FunctionBuildError('Not built yet');

  constructor(
    private readonly entries: ReadonlyArray<{ readonly logicalId: string; readonly entry: string }>,
    private readonly outDir: string,
  ) {
    for (const { logicalId } of entries) {
      this.bundles.set(logicalId, { bundlePath: join(outDir, logicalId, 'index.mjs'), inputs: new Map(), generation: 0 });
    }
  }

  /** The up-to-date code of a function, rebuilding first if one of its sources changed. Throws FunctionBuildError. */
  async current(logicalId: string): Promise<CodeVersion> {
    const bundle = this.bundles.get(logicalId);
    if (!bundle) throw new Error(`No bundle for ${logicalId}`);
    if (this.rebuilding) await this.rebuilding;
    if (this.failure || isStale(bundle.inputs)) {
      // Concurrent callers that found it stale share one rebuild.
      this.rebuilding ??= this.rebuild().finally(() => {
        this.rebuilding = undefined;
      });
      await this.rebuilding;
    }
    if (this.failure) throw this.failure;
    return { bundlePath: bundle.bundlePath, generation: bundle.generation };
  }

  /** The first build, before any invocation; a failure is returned (the next invocation retries), not thrown. */
  async prepare(): Promise<FunctionBuildError | undefined> {
    this.rebuilding ??= this.rebuild().finally(() => {
      this.rebuilding = undefined;
    });
    await this.rebuilding;
    return this.failure;
  }

  async dispose(): Promise<void> {
    await this.build?.dispose();
  }

  private async rebuild(): Promise<void> {
    this.build ??= await context({
      entryPoints: Object.fromEntries(this.entries.map(({ logicalId, entry }) => [logicalId, join(projectRoot, entry)])),
      outdir: this.outDir,
      entryNames: '[name]/index',
      outExtension: { '.js': '.mjs' },
      absWorkingDir: projectRoot,
      ...esbuildOptions,
      metafile: true,
      logLevel: 'silent',
    });
    let metafile: Metafile | undefined;
    try {
      ({ metafile } = await this.build.rebuild());
      this.failure = undefined;
    } catch (error) {
      this.failure = new FunctionBuildError(`Could not build the functions:\n${describeFailure(error)}`);
      return;
    }
    await Promise.all([...this.bundles.values()].map((bundle) => this.recordInputs(bundle, metafile)));
  }

  /** Records the bundle's project inputs; a bundle whose inputs changed gets a new generation. */
  private async recordInputs(bundle: Bundle, metafile: Metafile | undefined): Promise<void> {
    const entryPoint = metafile?.outputs[relative(projectRoot, bundle.bundlePath)]?.entryPoint;
    const projectInputs = entryPoint && metafile ? projectImportGraph(entryPoint, metafile) : [];
    const inputs = await modificationTimes([...projectInputs.map((input) => join(projectRoot, input)), ...PROJECT_CONFIG_FILES]);
    const changed = inputs.size !== bundle.inputs.size || [...inputs].some(([path, mtime]) => bundle.inputs.get(path) !== mtime);
    bundle.inputs = inputs;
    if (changed) bundle.generation += 1;
  }
}

/**
 * The project files an entry point imports, directly or not. Walked from the metafile's import graph:
 * the output's own input list leaves out modules minification inlined entirely (a file of constants).
 */
function projectImportGraph(entryPoint: string, metafile: Metafile): string[] {
  const seen = new Set<string>();
  const pending = [entryPoint];
  while (pending.length > 0) {
    const path = pending.pop()!;
    const input = metafile.inputs[path];
    if (seen.has(path) || !input || path.split('/').includes('node_modules')) continue;
    seen.add(path);
    pending.push(...input.imports.filter((imported) => !imported.external).map((imported) => imported.path));
  }
  return [...seen];
}

/** Bundles the worker bootstrap (TypeScript) so worker threads can load it whatever runs the sandbox. */
export async function bundleWorkerRuntime(outDir: string): Promise<string> {
  const outfile = join(outDir, '_runtime', 'worker.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: bundlingOptions.target,
    logLevel: 'silent',
  });
  return outfile;
}

/**
 * Synchronous on purpose: it runs before every invocation, and a few dozen stat calls of files the
 * kernel has cached take well under a millisecond here, where as many thread-pool requests (and
 * their promises) cost more than that on the sandbox's busy event loop — on the request path of
 * every API call and every poller's invocation.
 */
function isStale(inputs: ReadonlyMap<string, number>): boolean {
  for (const [path, mtime] of inputs) {
    // A file that cannot be stat'ed (deleted) reads as changed.
    if (statSync(path, { throwIfNoEntry: false })?.mtimeMs !== mtime) return true;
  }
  return false;
}

/** mtimes by path; a file that cannot be stat'ed (deleted) is left out, which reads as changed. */
async function modificationTimes(paths: readonly string[]): Promise<Map<string, number>> {
  const stats = await Promise.allSettled(paths.map((path) => stat(path)));
  const times = new Map<string, number>();
  stats.forEach((result, index) => {
    if (result.status === 'fulfilled') times.set(paths[index]!, result.value.mtimeMs);
  });
  return times;
}

function describeFailure(error: unknown): string {
  const messages = (error as Partial<BuildFailure>).errors;
  if (!messages) return error instanceof Error ? error.message : String(error);
  return messages.map(formatMessage).join('\n');
}

function formatMessage(message: Message): string {
  const where = message.location ? `${message.location.file}:${message.location.line}:${message.location.column}: ` : '';
  return `${where}${message.text}`;
}
