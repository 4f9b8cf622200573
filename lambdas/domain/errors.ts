/**
 * What can go wrong in domain terms. Use cases and adapters throw these (or return outcomes);
 * lambdas/http/respond.ts is the one place that turns them into status codes and headers.
 * Anything else is a fault.
 */
export interface ErrorDetail {
  path: string;
  message: string;
}

export type DomainErrorKind = 'invalid' | 'not-found' | 'conflict' | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    message: string,
    /** Stable, machine-readable name of the failure (SPEC §4 error codes). */
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input breaks a rule of the domain; `details` say where. */
export class ValidationError extends DomainError {
  readonly kind = 'invalid';
  constructor(
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message, 'VALIDATION_FAILED');
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
  constructor(message = 'Not found') {
    super(message, 'NOT_FOUND');
  }
}

/** The request contradicts the current state (a taken email, a reused key, a lost race). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(message: string, code = 'CONFLICT') {
    super(message, code);
  }
}

/** Not now: a dependency is busy or shed; worth a retry after `retryAfterSeconds`. */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 'UNAVAILABLE');
  }
}
