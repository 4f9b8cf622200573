import { FunctionBuildError } from './errors.ts';
import type { FunctionBundles } from './functions/build.ts';
import { ExecutionEnvironments } from './functions/pool.ts';
import type { InvocationOutcome } from './functions/protocol.ts';
import type { SandboxLog } from './logs.ts';
import type { FunctionSpec } from './topology/functions.ts';

/** Execution environments per function unless an event source mapping caps its concurrency. */
const DEFAULT_MAX_ENVIRONMENTS = 10;

interface SandboxFunction {
  readonly spec: FunctionSpec;
  readonly environments: ExecutionEnvironments;
  inFlight: number;
}

/** What the gateway and the event sources need of the functions: a synchronous invocation. */
export interface FunctionInvoker {
  invoke(logicalId: string, event: unknown): Promise<InvocationOutcome>;
}

interface FunctionRegistryOptions {
  readonly specs: readonly FunctionSpec[];
  readonly bundles: FunctionBundles;
  readonly runtimePath: string;
  readonly environments: Readonly<Record<string, Record<string, string>>>;
  /** Concurrency caps from event source mappings (MaximumConcurrency), by function logical id. */
  readonly maxEnvironments: Readonly<Record<string, number>>;
  readonly log: SandboxLog;
}

/** The sandbox's functions by logical id: invoke one with the latest build of its code. */
export class FunctionRegistry implements FunctionInvoker {
  private readonly functions = new Map<string, SandboxFunction>();
  private lastInvocationEndedAt = 0;

  constructor(private readonly options: FunctionRegistryOptions) {
    for (const spec of options.specs) {
      const environments = new ExecutionEnvironments({
        fn: spec,
        runtimePath: options.runtimePath,
        environment: options.environments[spec.logicalId] ?? {},
        maxEnvironments: options.maxEnvironments[spec.logicalId] ?? DEFAULT_MAX_ENVIRONMENTS,
        log: options.log,
      });
      this.functions.set(spec.logicalId, { spec, environments, inFlight: 0 });
    }
  }

  /** A synchronous invocation (RequestResponse): rebuilds first if the source changed (hot reload). */
  async invoke(logicalId: string, event: unknown): Promise<InvocationOutcome> {
    const fn = this.get(logicalId);
    fn.inFlight += 1;
    try {
      const outcome = await this.invokeLatest(fn, event);
      // Handler errors are already logged by the worker; the runtime's own failures are not.
      if (!outcome.ok && /^(Sandbox\.Timedout|Runtime\.)/.test(outcome.error.errorType)) {
        this.options.log.info(logicalId, `${outcome.error.errorType}: ${outcome.error.errorMessage}`);
      }
      return outcome;
    } finally {
      fn.inFlight -= 1;
      this.lastInvocationEndedAt = Date.now();
    }
  }

  /** Kills the execution environment `<logicalId>.<n>` (fault injection); false if it is gone. */
  crash(environmentId: string): boolean {
    const fn = this.functions.get(environmentId.split('.')[0] ?? '');
    return fn?.environments.crash(environmentId) ?? false;
  }

  /** Functions with invocations running, e.g. `ApiCatalogApiC0E3419C ×2`. */
  busy(): string[] {
    return [...this.functions.values()].filter((fn) => fn.inFlight > 0).map((fn) => `${fn.spec.logicalId} ×${fn.inFlight}`);
  }

  /** When the last invocation ended: whatever it wrote may still be on its way through the stream. */
  get lastActivityAt(): number {
    return this.lastInvocationEndedAt;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.functions.values()].map((fn) => fn.environments.stop()));
  }

  private async invokeLatest(fn: SandboxFunction, event: unknown): Promise<InvocationOutcome> {
    let code;
    try {
      code = await this.options.bundles.current(fn.spec.logicalId);
    } catch (error) {
      if (!(error instanceof FunctionBuildError)) throw error;
      this.options.log.warn(fn.spec.logicalId, error.message);
      return { ok: false, error: { errorType: 'Sandbox.BuildFailed', errorMessage: error.message } };
    }
    fn.environments.retireOlderThan(code.generation);
    return fn.environments.invoke(code, event);
  }

  private get(logicalId: string): SandboxFunction {
    const fn = this.functions.get(logicalId);
    if (!fn) throw new Error(`Unknown function ${logicalId}`);
    return fn;
  }
}
