/**
 * Runs inside a function's worker thread: one Lambda execution environment. Loads the bundle once
 * (the init phase), then handles one invocation at a time with a Lambda `context`.
 */
import type { Context } from 'aws-lambda';
import { parentPort, workerData } from 'node:worker_threads';
import { resolveLocalhostSubdomains } from './localhost-dns.ts';
import type { FunctionError, InvocationOutcome, InvokeRequest, InvokeResponse, WorkerReady, WorkerSetup } from './protocol.ts';

type Handler = (event: unknown, context: Context) => unknown;
type Loaded = { readonly handler: Handler } | { readonly error: FunctionError };

resolveLocalhostSubdomains();
const setup = workerData as WorkerSetup;
const port = parentPort!;
const loaded: Promise<Loaded> = loadHandler();
void loaded.then(() => port.postMessage({ ready: true } satisfies WorkerReady));
port.on('message', (request: InvokeRequest) => {
  void invoke(request).then((response) => port.postMessage(response));
});

async function loadHandler(): Promise<Loaded> {
  try {
    const module = (await import(setup.bundleUrl)) as Record<string, unknown>;
    const handler = module[setup.handlerExport];
    if (typeof handler === 'function') return { handler: handler as Handler };
    return { error: { errorType: 'Runtime.HandlerNotFound', errorMessage: `index.${setup.handlerExport} is undefined or not exported` } };
  } catch (error) {
    return { error: { ...toFunctionError(error), errorType: 'Runtime.ImportModuleError' } };
  }
}

async function invoke(request: InvokeRequest): Promise<InvokeResponse> {
  const code = await loaded;
  if ('error' in code) return { awsRequestId: request.awsRequestId, outcome: { ok: false, error: code.error }, fatal: true };
  let result: unknown;
  try {
    result = await code.handler(request.event, createContext(request));
  } catch (error) {
    const failure = toFunctionError(error);
    console.error(`ERROR\tInvoke Error\t${JSON.stringify(failure)}`);
    return { awsRequestId: request.awsRequestId, outcome: { ok: false, error: failure }, fatal: false };
  }
  return { awsRequestId: request.awsRequestId, outcome: serialize(result), fatal: false };
}

/** Lambda returns the handler's result as JSON; what cannot be serialized is a function error. */
function serialize(result: unknown): InvocationOutcome {
  try {
    return { ok: true, payload: result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown) };
  } catch (error) {
    return { ok: false, error: { errorType: 'Runtime.MarshalError', errorMessage: `Unable to marshal response: ${String(error)}` } };
  }
}

function createContext(request: InvokeRequest): Context {
  const unsupported = () => {
    throw new Error('context.done/succeed/fail are not available in the nodejs24.x runtime: return or throw instead');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: setup.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: setup.functionArn,
    memoryLimitInMB: String(setup.memoryMb),
    awsRequestId: request.awsRequestId,
    logGroupName: setup.logGroupName,
    logStreamName: setup.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, request.deadlineMs - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

function toFunctionError(error: unknown): FunctionError {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: error.stack?.split('\n') ?? [] };
  }
  return { errorType: typeof error, errorMessage: String(error) };
}
