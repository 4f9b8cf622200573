import type { Context } from 'aws-lambda';
import { NotFoundError, UnavailableError } from '../domain/errors.ts';
import { logger, metrics } from '../observability.ts';
import type { HttpEvent } from './request.ts';
import { errorResponse, type HttpResult } from './respond.ts';

export type RouteHandler = (event: HttpEvent) => Promise<HttpResult>;

/** Time kept back before the function's own timeout to answer 503 instead of being cut off. */
const DEADLINE_MARGIN_MS = 1_000;

/**
 * Several slow dependency calls could add up past the function's timeout, where the gateway would
 * answer a bare 500: answer 503 UNAVAILABLE with Retry-After just before it instead (SPEC §4). The
 * route's work goes on until its own calls time out; whatever it recorded is picked up by the
 * outbox and the backstop, and the client's retry with its Idempotency-Key finds it.
 */
async function withinDeadline(work: Promise<HttpResult>, context: Context): Promise<HttpResult> {
  const remaining = context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(remaining)) return work;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnavailableError('A dependency is slow to answer; retry shortly', 1)), Math.max(0, remaining - DEADLINE_MARGIN_MS));
  });
  work.catch(() => {}); // a late failure after the deadline answered is not unhandled
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A function's HTTP entry point. API Gateway already matched the route, so dispatch is a lookup on
 * `routeKey` — no second router to keep in sync with lib/api.ts.
 */
export function apiHandler(routes: Record<string, RouteHandler>) {
  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    logger.addContext(context);
    logger.appendKeys({ routeKey: event.routeKey, requestId: event.requestContext?.requestId });
    try {
      const route = routes[event.routeKey];
      if (!route) throw new NotFoundError(`No route ${event.routeKey}`);
      return await withinDeadline(route(event), context);
    } catch (error) {
      return errorResponse(error);
    } finally {
      logger.resetKeys();
      // Business metrics a route recorded (EMF, one line per invocation that has any).
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
