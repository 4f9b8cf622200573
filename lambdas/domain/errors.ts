/**
 * Typed errors of the API contract (SPEC §4). Handlers throw these; lambdas/http/respond.ts maps
 * them to `{"error":{code,message,details?}}` in one place. Anything else becomes INTERNAL 500.
 */
export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends ApiError {
  constructor(message: string, details?: ErrorDetail[]) {
    super(400, 'VALIDATION_FAILED', message, details);
  }
}
export class UnauthorizedError extends ApiError {
  constructor(message = 'A valid bearer token is required') {
    super(401, 'UNAUTHORIZED', message);
  }
}
export class ForbiddenError extends ApiError {
  constructor(message = 'You are not allowed to do this') {
    super(403, 'FORBIDDEN', message);
  }
}
export class NotFoundError extends ApiError {
  constructor(message = 'Not found') {
    super(404, 'NOT_FOUND', message);
  }
}
export class ConflictError extends ApiError {
  constructor(message: string, code = 'CONFLICT') {
    super(409, code, message);
  }
}
export class PayloadTooLargeError extends ApiError {
  constructor(limitBytes: number) {
    super(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${limitBytes} bytes`);
  }
}
export class UnsupportedMediaTypeError extends ApiError {
  constructor() {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', 'A request with a body must have content-type: application/json');
  }
}
export class UnavailableError extends ApiError {
  constructor(message: string, retryAfterSeconds: number) {
    super(503, 'UNAVAILABLE', message, undefined, { 'retry-after': String(retryAfterSeconds) });
  }
}

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
