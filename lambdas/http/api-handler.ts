import type { Context } from 'aws-lambda';
import { NotFoundError } from '../domain/errors.ts';
import { logger } from '../observability.ts';
import type { HttpEvent } from './request.ts';
import { errorResponse, type HttpResult } from './respond.ts';

export type RouteHandler = (event: HttpEvent) => Promise<HttpResult>;

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
      return await route(event);
    } catch (error) {
      return errorResponse(error);
    } finally {
      logger.resetKeys();
    }
  };
}
