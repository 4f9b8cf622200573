import { DomainError, type DomainErrorKind, type ErrorDetail, UnavailableError, ValidationError } from '../domain/errors.ts';

/** Failures only HTTP has: authentication, and bodies refused before they are read. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'A valid bearer token is required') {
    super(401, 'UNAUTHORIZED', message);
  }
}
export class ForbiddenError extends HttpError {
  constructor(message = 'You are not allowed to do this') {
    super(403, 'FORBIDDEN', message);
  }
}
export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${limitBytes} bytes`);
  }
}
export class UnsupportedMediaTypeError extends HttpError {
  constructor() {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', 'A request with a body must have content-type: application/json');
  }
}

const STATUS: Record<DomainErrorKind, number> = { invalid: 400, 'not-found': 404, conflict: 409, unavailable: 503 };

/** The API contract's answer to an expected failure (SPEC §4): status, headers and `{error}` body. */
export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  error: { code: string; message: string; details?: ErrorDetail[] };
}

/** Undefined for anything that is neither a domain nor an HTTP error: a fault. */
export function errorAnswer(error: unknown): ErrorAnswer | undefined {
  if (error instanceof HttpError) return { status: error.status, headers: {}, error: { code: error.code, message: error.message } };
  if (!(error instanceof DomainError)) return undefined;
  const details = error instanceof ValidationError && error.details ? { details: error.details } : {};
  const headers: Record<string, string> = error instanceof UnavailableError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
  return { status: STATUS[error.kind], headers, error: { code: error.code, message: error.message, ...details } };
}
