import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError, isDependencyUnavailable } from '../domain/errors.ts';
import { logger } from '../observability.ts';

export type HttpResult = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** The one place errors become the API's error contract; unknown errors never leak details. */
export function errorResponse(error: unknown): HttpResult {
  if (error instanceof ApiError) {
    const body = { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
    return json(error.status, body, error.headers);
  }
  if (isDependencyUnavailable(error)) {
    logger.warn('a dependency was throttled, slow or unavailable', { error: error as Error });
    return json(503, { error: { code: 'UNAVAILABLE', message: 'Temporarily overloaded, retry shortly' } }, { 'retry-after': '1' });
  }
  logger.error('unhandled error', error as Error);
  return json(500, { error: { code: 'INTERNAL', message: 'Internal error' } });
}
