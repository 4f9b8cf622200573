import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { forwardLines, type SandboxLog } from '../logs.ts';
import type { FunctionSpec } from '../topology/functions.ts';
import type { CodeVersion } from './build.ts';
import type { FunctionError, InvocationOutcome, InvokeRequest, WorkerMessage, WorkerSetup } from './protocol.ts';

interface PoolOptions {
  readonly fn: FunctionSpec;
  readonly runtimePath: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Concurrent execution environments at most; more invocations wait for one to free up. */
  readonly maxEnvironments: number;
  readonly log: SandboxLog;
}

/** Lambda's limit on a function's init phase (module top level), separate from its Timeout. */
const INIT_LIMIT_MS = 10_000;

interface Environment {
  /** `<logicalId>.<n>`; the worker's SDK clients send it as their user-agent app id. */
  readonly id: string;
  readonly worker: Worker;
  /** Resolves once the module's top level ran; rejects if that took longer than Lambda allows. */
  readonly initialized: Promise<void>;
  readonly generation: number;
  busy: boolean;
  /** Running code older than the current build: terminated as soon as it is idle. */
  retired: boolean;
  settle: ((outcome: InvocationOutcome, fatal: boolean) => void) | undefined;
}

/**
 * A function's execution environments, Lambda-style: one worker thread each, created on demand (a
 * cold start) up to a cap, reused while warm, each serving one invocation at a time. An invocation
 * that outlives the function's Timeout has its environment terminated, as Lambda does.
 */
export class ExecutionEnvironments {
  private readonly environments = new Set<Environment>();
  private created = 0;
  private readonly waiting: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly options: PoolOptions) {}

  async invoke(code: CodeVersion, event: unknown): Promise<InvocationOutcome> {
    const environment = await this.acquire(code);
    if (!environment) return stoppedOutcome();
    try {
      return await this.run(environment, event);
    } finally {
      this.release(environment);
    }
  }

  /** After a rebuild: environments running older code finish their invocation, then go away. */
  retireOlderThan(generation: number): void {
    for (const environment of this.environments) {
      if (environment.generation >= generation) continue;
      environment.retired = true;
      if (!environment.busy) void this.discard(environment);
    }
  }

  /** Kills one execution environment at once, as a crash of its runtime would (fault injection). */
  crash(environmentId: string): boolean {
    const environment = [...this.environments].find((candidate) => candidate.id === environmentId);
    if (!environment) return false;
    void environment.worker.terminate();
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting.splice(0).forEach((wake) => wake());
    await Promise.all([...this.environments].map((environment) => this.discard(environment)));
  }

  private async acquire(code: CodeVersion): Promise<Environment | undefined> {
    while (!this.stopped) {
      const warm = [...this.environments].find((e) => !e.busy && !e.retired && e.generation === code.generation);
      if (warm) {
        warm.busy = true;
        return warm;
      }
      const stale = [...this.environments].find((e) => !e.busy && e.generation !== code.generation);
      if (stale) void this.discard(stale);
      if (this.environments.size < this.options.maxEnvironments) return this.create(code);
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
    return undefined;
  }

  private release(environment: Environment): void {
    environment.busy = false;
    if (environment.retired) void this.discard(environment);
    this.waiting.shift()?.();
  }

  private create(code: CodeVersion): Environment {
    const { fn, runtimePath, environment: variables, log } = this.options;
    const logStreamName = `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
    const setup: WorkerSetup = {
      bundleUrl: pathToFileURL(code.bundlePath).href,
      handlerExport: fn.handlerExport,
      functionName: fn.name,
      functionArn: fn.arn,
      memoryMb: fn.memoryMb,
      logGroupName: fn.logGroupName,
      logStreamName,
    };
    const id = `${fn.logicalId}.${++this.created}`;
    const worker = new Worker(runtimePath, {
      workerData: setup,
      env: { ...variables, AWS_LAMBDA_LOG_STREAM_NAME: logStreamName, AWS_SDK_UA_APP_ID: id },
      stdout: true,
      stderr: true,
      // The function's MemorySize bounds its heap, so a leak fails locally as it would in Lambda.
      resourceLimits: { maxOldGenerationSizeMb: fn.memoryMb },
      // Not this process's flags: a sandbox run with tsx would otherwise load tsx's hooks into every
      // function, which then rewrites each bundle with a source map at every cold start (~170 ms).
      // Lambda starts a function's Node with none of them either.
      execArgv: [],
      name: fn.logicalId,
    });
    forwardLines(worker.stdout, fn.logicalId, log, process.stdout);
    forwardLines(worker.stderr, fn.logicalId, log, process.stderr);
    let ready: () => void = () => {};
    let initFailed: (outcome: InvocationOutcome) => void = () => {};
    const initialized = new Promise<void>((resolve, reject) => {
      const limit = setTimeout(() => reject(failure('Sandbox.InitTimedout', `Init phase exceeded ${INIT_LIMIT_MS / 1000} s`)), INIT_LIMIT_MS);
      ready = () => {
        clearTimeout(limit);
        resolve();
      };
      initFailed = (outcome) => {
        clearTimeout(limit);
        reject(outcome);
      };
    });
    initialized.catch(() => {});
    const environment: Environment = { id, worker, initialized, generation: code.generation, busy: true, retired: false, settle: undefined };
    worker.on('message', (message: WorkerMessage) => {
      if ('ready' in message) ready();
      else environment.settle?.(message.outcome, message.fatal);
    });
    worker.on('error', (error) => {
      const outcome = failure('Runtime.ExitError', `The runtime crashed: ${error.message}`);
      initFailed(outcome);
      environment.settle?.(outcome, true);
    });
    worker.on('exit', (code) => {
      const outcome = this.stopped ? stoppedOutcome() : failure('Runtime.ExitError', `The runtime exited with code ${code}`);
      initFailed(outcome);
      environment.settle?.(outcome, true);
      this.environments.delete(environment);
    });
    this.environments.add(environment);
    return environment;
  }

  private async run(environment: Environment, event: unknown): Promise<InvocationOutcome> {
    const { timeoutSeconds } = this.options.fn;
    try {
      await environment.initialized;
    } catch (outcome) {
      void this.discard(environment);
      return outcome as InvocationOutcome;
    }
    // Like Lambda, the invocation's Timeout starts once init is done.
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        environment.settle?.(failure('Sandbox.Timedout', `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`), true);
      }, timeoutSeconds * 1000);
      environment.settle = (outcome, fatal) => {
        clearTimeout(timer);
        environment.settle = undefined;
        if (fatal) void this.discard(environment);
        resolve(outcome);
      };
      const request: InvokeRequest = { awsRequestId: randomUUID(), event, deadlineMs: Date.now() + timeoutSeconds * 1000 };
      environment.worker.postMessage(request);
    });
  }

  private async discard(environment: Environment): Promise<void> {
    environment.retired = true;
    this.environments.delete(environment);
    await environment.worker.terminate();
  }
}

function failure(errorType: string, errorMessage: string): InvocationOutcome {
  const error: FunctionError = { errorType, errorMessage };
  return { ok: false, error };
}

function stoppedOutcome(): InvocationOutcome {
  return failure('Sandbox.Stopped', 'The sandbox is stopping');
}
