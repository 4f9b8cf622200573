/** Messages between the sandbox and a function's worker thread (one execution environment). */

/** Fixed for the life of a worker: what its `context` and code loading need. */
export interface WorkerSetup {
  readonly bundleUrl: string;
  readonly handlerExport: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryMb: number;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

export interface InvokeRequest {
  readonly awsRequestId: string;
  readonly event: unknown;
  /** Epoch ms at which the invocation times out; backs context.getRemainingTimeInMillis(). */
  readonly deadlineMs: number;
}

export interface InvokeResponse {
  readonly awsRequestId: string;
  readonly outcome: InvocationOutcome;
  /** The environment is unusable (its code failed to load): Lambda would discard it. */
  readonly fatal: boolean;
}

/** Sent once by a worker when its module's top level has run (the end of the init phase). */
export interface WorkerReady {
  readonly ready: true;
}

export type WorkerMessage = WorkerReady | InvokeResponse;

/** Lambda's error shape, as in a function error response. */
export interface FunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: string[];
}

/** What a synchronous invocation returns: the JSON payload, or the function error. */
export type InvocationOutcome = { readonly ok: true; readonly payload: unknown } | { readonly ok: false; readonly error: FunctionError };
