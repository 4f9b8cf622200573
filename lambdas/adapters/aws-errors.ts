/**
 * How the AWS SDK (and ElectroDB wrapping it) says what went wrong: the one place that knows
 * DynamoDB's error and cancellation names.
 */

const THROTTLING_ERRORS = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);
/** A dependency that did not answer in time or at all: the SDK's timeouts and socket errors. */
const UNREACHABLE_ERRORS = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError']);
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** The error and what it wraps: ElectroDB puts the SDK's error in `cause`. */
function* causeChain(error: unknown): Generator<Error & { code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string }> {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current instanceof Error; depth++) {
    yield current;
    current = current.cause;
  }
}

/** True when the error, or what it wraps, is named or says `name` (ElectroDB rewrites some messages). */
function mentions(error: unknown, name: string): boolean {
  for (const failure of causeChain(error)) if (failure.name.includes(name) || failure.message.includes(name)) return true;
  return false;
}

/**
 * A conditional write whose condition failed. For writes that guard idempotence or optimistic
 * concurrency that is an expected outcome, not a fault.
 */
export function isConditionFailure(error: unknown): boolean {
  return mentions(error, 'ConditionalCheckFailed');
}

/**
 * Runs a conditional write: true when it was written, false when its condition failed (the item was
 * not as the writer expected); any other failure is thrown.
 */
export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Another transaction held one of the items: try again shortly. */
export function isTransactionConflict(error: unknown): boolean {
  return mentions(error, 'TransactionConflict');
}

/** Cancellation reasons of a canceled transaction that mean "contended, not refused". */
export const CONTENTION_CODES: ReadonlySet<string> = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** True for DynamoDB's throttling errors, also when ElectroDB wraps them. */
export function isThrottling(error: unknown): boolean {
  for (const failure of causeChain(error)) if (THROTTLING_ERRORS.has(failure.name)) return true;
  return false;
}

/**
 * True when a dependency was throttled, slow, unreachable or failing on its side (5xx), also when
 * ElectroDB wraps the SDK error: worth a retry later, so the API answers 503, never 500.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  for (const failure of causeChain(error)) {
    if (THROTTLING_ERRORS.has(failure.name) || UNREACHABLE_ERRORS.has(failure.name)) return true;
    if (failure.code !== undefined && SOCKET_ERRORS.has(failure.code)) return true;
    if (failure.$fault === 'server' || (failure.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  }
  return false;
}
