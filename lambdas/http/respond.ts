import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isDependencyUnavailable } from '../adapters/aws-errors.ts';
import { logger } from '../observability.ts';
import { errorAnswer } from './errors.ts';

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
  const answer = errorAnswer(error);
  if (answer) return json(answer.status, { error: answer.error }, answer.headers);
  if (isDependencyUnavailable(error)) {
    logger.warn('a dependency was throttled, slow or unavailable', { error: error as Error });
    return json(503, { error: { code: 'UNAVAILABLE', message: 'Temporarily overloaded, retry shortly' } }, { 'retry-after': '1' });
  }
  logger.error('unhandled error', error as Error);
  return json(500, { error: { code: 'INTERNAL', message: 'Internal error' } });
}
