import { z } from 'zod';
import type * as core from 'zod/v4/core';
import type { ZodOpenApiOperationObject, ZodOpenApiResponseObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import {
  adminOrdersQuerySchema,
  idempotencyKeySchema,
  idSchema,
  metricRollupsQuerySchema,
  pageQuerySchema,
  placeOrderSchema,
  postEventsSchema,
  putCartItemSchema,
  putInventorySchema,
  putMeSchema,
  putProductSchema,
  putPromotionSchema,
} from '../../lambdas/domain/schemas.ts';
import * as body from './responses.ts';
import { withMeta } from './responses.ts';

/**
 * Every route of the HTTP API (SPEC §4) as an OpenAPI operation: who may call it, what it takes —
 * the request schemas the handlers validate with (lambdas/domain/schemas.ts) — and every status it
 * answers. The error responses follow from what an operation takes: input means 400, a body also
 * 413 and 415, a token 401, the admin group 403; every route may meet 429, 500 and 503.
 */

type Access = 'public' | 'user' | 'admin';

interface Route {
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  /** The request schemas are zod/mini's (lambdas/domain/schemas.ts): any zod schema will do. */
  query?: core.$ZodObject;
  headers?: z.ZodObject;
  body?: core.$ZodType;
  ok: { status: '200' | '202'; description: string; schema: z.ZodType };
  /** Public reads answer with Cache-Control and an ETag, and 304 to a current If-None-Match. */
  cacheable?: true;
  notFound?: string;
  conflict?: { description: string; schema: z.ZodType };
}

const json = (schema: core.$ZodType) => ({ 'application/json': { schema } });

const bodyError = (schema: z.ZodType, description: string, id?: string): ZodOpenApiResponseObject => ({ description, content: json(schema), ...(id ? { id } : {}) });

/** A function's error or API Gateway's own answer of the same status; a shared response component. */
const eitherError = (schema: z.ZodType, description: string, id: string): ZodOpenApiResponseObject =>
  bodyError(z.union([schema, body.gatewayErrorSchema]), description, id);

const cacheHeaders = z.object({
  'Cache-Control': z.string().meta({ description: 'public, max-age=…: shared caches may keep the answer' }),
  ETag: z.string().meta({ description: 'strong validator of the body; send it back as If-None-Match' }),
});

const conditionalRequest = z.object({
  'If-None-Match': z.string().optional().meta({ description: 'an ETag of an earlier answer: 304 if it is still current' }),
});

const errors = {
  validation: bodyError(body.errorSchema('ValidationFailed', ['VALIDATION_FAILED'], { details: 'required' }), 'VALIDATION_FAILED: the path, query, headers or body break the schema; details say where', 'ValidationFailed'),
  unauthorized: eitherError(body.errorSchema('Unauthorized', ['UNAUTHORIZED']), 'No valid bearer token (the gateway’s JWT authorizer answers `{"message":"Unauthorized"}`)', 'Unauthorized'),
  forbidden: bodyError(body.errorSchema('Forbidden', ['FORBIDDEN']), 'FORBIDDEN: the route needs the `admin` group in `cognito:groups`', 'Forbidden'),
  notFound: body.errorSchema('NotFound', ['NOT_FOUND']),
  tooLarge: eitherError(body.errorSchema('PayloadTooLarge', ['PAYLOAD_TOO_LARGE']), 'PAYLOAD_TOO_LARGE: the body is over 256 KiB (the gateway refuses over 10 MiB)', 'PayloadTooLarge'),
  mediaType: bodyError(body.errorSchema('UnsupportedMediaType', ['UNSUPPORTED_MEDIA_TYPE']), 'UNSUPPORTED_MEDIA_TYPE: a body needs `content-type: application/json`', 'UnsupportedMediaType'),
  throttled: eitherError(body.errorSchema('Throttled', ['THROTTLED']), 'Throttled (the stage’s rate limit answers `{"message":"Too Many Requests"}`)', 'Throttled'),
  internal: eitherError(body.errorSchema('Internal', ['INTERNAL']), 'INTERNAL: an unexpected failure; no detail is disclosed', 'Internal'),
  unavailable: {
    ...eitherError(body.errorSchema('Unavailable', ['UNAVAILABLE']), 'UNAVAILABLE: a dependency is slow or throttled; retry after Retry-After seconds', 'Unavailable'),
    headers: z.object({ 'Retry-After': z.string().regex(/^\d+$/).optional().meta({ description: 'seconds; sent with UNAVAILABLE' }) }),
  },
} satisfies Record<string, ZodOpenApiResponseObject | z.ZodType>;

/** The 409s: CONFLICT is a lost race worth a retry; the others name what the client must change. */
const conflicts = {
  race: body.errorSchema('Conflict', ['CONFLICT']),
  emailTaken: body.errorSchema('EmailTakenOrConflict', ['EMAIL_TAKEN', 'CONFLICT']),
  keyReused: body.errorSchema('IdempotencyKeyReused', ['IDEMPOTENCY_KEY_REUSED']),
};

/** `{productId}` and the like: every path parameter is an id (SPEC §4). */
function pathParameters(path: string): z.ZodObject | undefined {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  return names.length === 0 ? undefined : z.object(Object.fromEntries(names.map((name) => [name, idSchema])));
}

function responses(path: string, route: Route): ZodOpenApiResponsesObject {
  const takesInput = Boolean(pathParameters(path) || route.query || route.headers || route.body);
  return {
    [route.ok.status]: { description: route.ok.description, content: json(route.ok.schema), ...(route.cacheable ? { headers: cacheHeaders } : {}) },
    ...(route.cacheable ? { '304': { description: 'Not Modified: the If-None-Match tag is current; no body', headers: cacheHeaders } } : {}),
    ...(takesInput ? { '400': errors.validation } : {}),
    ...(route.access !== 'public' ? { '401': errors.unauthorized } : {}),
    ...(route.access === 'admin' ? { '403': errors.forbidden } : {}),
    ...(route.notFound ? { '404': bodyError(errors.notFound, route.notFound) } : {}),
    ...(route.conflict ? { '409': bodyError(route.conflict.schema, route.conflict.description) } : {}),
    ...(route.body ? { '413': errors.tooLarge, '415': errors.mediaType } : {}),
    '429': errors.throttled,
    '500': errors.internal,
    '503': errors.unavailable,
  };
}

/** The security requirement of an access level: OpenAPI 3.1 lets a bearer scheme name the roles it needs. */
export const SECURITY_SCHEME = 'bearerJwt';
function securityOf(access: Access): Array<Record<string, string[]>> {
  if (access === 'public') return [];
  return [{ [SECURITY_SCHEME]: access === 'admin' ? ['admin'] : [] }];
}

export function toOperation(path: string, route: Route): ZodOpenApiOperationObject {
  const pathParams = pathParameters(path);
  const headers = route.cacheable ? (route.headers ? route.headers.extend(conditionalRequest.shape) : conditionalRequest) : route.headers;
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    security: securityOf(route.access),
    ...(pathParams || route.query || headers
      ? { requestParams: { ...(pathParams ? { path: pathParams } : {}), ...(route.query ? { query: route.query } : {}), ...(headers ? { header: headers } : {}) } }
      : {}),
    ...(route.body ? { requestBody: { required: true, content: json(route.body) } } : {}),
    responses: responses(path, route),
  };
}

/** Route key (`METHOD /path`, as in lib/api.ts and the gateway's routeKey) → the operation. */
export const operations: Record<string, Route> = {
  'GET /health': { operationId: 'health', summary: 'Liveness', tag: 'catalog', access: 'public', ok: { status: '200', description: 'The API answers', schema: body.healthSchema } },
  'GET /openapi.json': {
    operationId: 'openApiDocument',
    summary: 'This document: the OpenAPI 3.1 contract of the API, as committed under contracts/openapi.json',
    tag: 'contract',
    access: 'public',
    cacheable: true,
    ok: { status: '200', description: 'The OpenAPI document', schema: body.openApiDocumentSchema },
  },
  'GET /products/{productId}': {
    operationId: 'getProduct',
    summary: 'AP3: a product',
    tag: 'catalog',
    access: 'public',
    cacheable: true,
    ok: { status: '200', description: 'The product', schema: body.productSchema },
    notFound: 'No such product',
  },
  'GET /categories/{categoryId}/products': {
    operationId: 'listCategoryProducts',
    summary: 'AP4: a category’s products by productId, paged',
    tag: 'catalog',
    access: 'public',
    cacheable: true,
    query: pageQuerySchema,
    ok: { status: '200', description: 'A page of products (empty for an unknown category)', schema: body.productPageSchema },
  },
  'PUT /products/{productId}': {
    operationId: 'putProduct',
    summary: 'Create or replace a product and its category memberships',
    tag: 'catalog',
    access: 'admin',
    body: putProductSchema,
    ok: { status: '200', description: 'The product as stored', schema: body.productSchema },
    conflict: { description: 'CONFLICT: the product kept changing concurrently; retry', schema: conflicts.race },
  },
  'PUT /products/{productId}/inventory/{warehouseId}': {
    operationId: 'putInventory',
    summary: 'Set a warehouse’s stock of a product',
    tag: 'catalog',
    access: 'admin',
    body: putInventorySchema,
    ok: { status: '200', description: 'The stock as stored', schema: body.inventorySchema },
    notFound: 'No such product',
    conflict: { description: 'CONFLICT: settlements kept taking from the stock concurrently; retry', schema: conflicts.race },
  },
  'GET /products/{productId}/inventory': {
    operationId: 'getStock',
    summary: 'AP6: a product’s stock across warehouses',
    tag: 'catalog',
    access: 'admin',
    ok: { status: '200', description: 'The stock per warehouse and its total', schema: body.stockSchema },
    notFound: 'No such product',
  },
  'PUT /me': {
    operationId: 'putMe',
    summary: 'Create or update the caller’s profile',
    tag: 'me',
    access: 'user',
    body: putMeSchema,
    ok: { status: '200', description: 'The profile as stored', schema: body.userSchema },
    conflict: { description: 'EMAIL_TAKEN: another user has the email; CONFLICT: the profile kept changing concurrently', schema: conflicts.emailTaken },
  },
  'GET /me': {
    operationId: 'getMe',
    summary: 'AP1, AP16: the caller’s profile, stats and recent orders',
    tag: 'me',
    access: 'user',
    ok: { status: '200', description: 'The account', schema: body.accountSchema },
    notFound: 'No profile yet: create it with PUT /me',
  },
  'GET /me/orders': {
    operationId: 'listMyOrders',
    summary: 'AP11: the caller’s orders, newest first, paged',
    tag: 'me',
    access: 'user',
    query: pageQuerySchema,
    ok: { status: '200', description: 'A page of order summaries', schema: body.orderSummaryPageSchema },
  },
  'GET /me/cart': {
    operationId: 'getCart',
    summary: 'AP7: the caller’s unexpired cart',
    tag: 'me',
    access: 'user',
    ok: { status: '200', description: 'The cart', schema: body.cartSchema },
  },
  'PUT /me/cart/items/{productId}': {
    operationId: 'putCartItem',
    summary: 'Set a cart line’s quantity (0 removes it); every line’s expiry moves on',
    tag: 'me',
    access: 'user',
    body: putCartItemSchema,
    ok: { status: '200', description: 'The cart after the change', schema: body.cartSchema },
    notFound: 'No such product',
    conflict: { description: 'CONFLICT: the cart kept changing concurrently; retry', schema: conflicts.race },
  },
  'DELETE /me/cart/items/{productId}': {
    operationId: 'deleteCartItem',
    summary: 'Remove a cart line',
    tag: 'me',
    access: 'user',
    ok: { status: '200', description: 'The cart after the change', schema: body.cartSchema },
    conflict: { description: 'CONFLICT: the cart kept changing concurrently; retry', schema: conflicts.race },
  },
  'GET /me/wishlist': {
    operationId: 'getWishlist',
    summary: 'AP8: the caller’s wished-for productIds, paged',
    tag: 'me',
    access: 'user',
    query: pageQuerySchema,
    ok: { status: '200', description: 'A page of productIds', schema: body.wishlistPageSchema },
  },
  'PUT /me/wishlist/{productId}': {
    operationId: 'putWishlistItem',
    summary: 'Wish for a product (idempotent)',
    tag: 'me',
    access: 'user',
    ok: { status: '200', description: 'The product is on the wishlist', schema: body.wishlistEntrySchema },
    notFound: 'No such product',
  },
  'DELETE /me/wishlist/{productId}': {
    operationId: 'deleteWishlistItem',
    summary: 'Remove a product from the wishlist (idempotent)',
    tag: 'me',
    access: 'user',
    ok: { status: '200', description: 'The product is not on the wishlist', schema: body.wishlistEntrySchema },
  },
  'POST /orders': {
    operationId: 'placeOrder',
    summary: 'Place an order from lines or from the cart; settled asynchronously',
    tag: 'orders',
    access: 'user',
    headers: z.object({ 'Idempotency-Key': idempotencyKeySchema }),
    body: withMeta(placeOrderSchema, { description: 'either `items` or `fromCart: true`, with the payment token and an optional promotion code' }),
    ok: { status: '202', description: 'Recorded PENDING (a replay with the same key and body answers the same orderId)', schema: body.orderAcceptedSchema },
    conflict: { description: 'IDEMPOTENCY_KEY_REUSED: the key was used with another body', schema: conflicts.keyReused },
  },
  'GET /orders/{orderId}': {
    operationId: 'getOrder',
    summary: 'AP9: an order with its lines (the owner’s, or any for an admin)',
    tag: 'orders',
    access: 'user',
    ok: { status: '200', description: 'The order', schema: body.orderSchema },
    notFound: 'No such order (another user’s order is not found either)',
  },
  'GET /orders/{orderId}/events': {
    operationId: 'getOrderEvents',
    summary: 'AP10: an order’s events in seq order',
    tag: 'orders',
    access: 'user',
    ok: { status: '200', description: 'The events', schema: body.orderEventsSchema },
    notFound: 'No such order (another user’s order is not found either)',
  },
  'GET /admin/orders': {
    operationId: 'listOrdersOfDay',
    summary: 'AP12: a day’s orders, optionally of one status, newest first, paged',
    tag: 'admin',
    access: 'admin',
    query: adminOrdersQuerySchema,
    ok: { status: '200', description: 'A page of order summaries with their users', schema: body.adminOrderSummaryPageSchema },
  },
  'PUT /promotions/{code}': {
    operationId: 'putPromotion',
    summary: 'Create a promotion code or replace its terms (its redemption count is kept)',
    tag: 'admin',
    access: 'admin',
    body: withMeta(putPromotionSchema, { description: 'exactly one of `percentOff` and `amountOffCents`' }),
    ok: { status: '200', description: 'The promotion as stored', schema: body.promotionSchema },
  },
  'GET /admin/metrics/{name}': {
    operationId: 'getMetricRollups',
    summary: 'AP13: the hourly rollups of a metric (the last 24 h by default)',
    tag: 'admin',
    access: 'admin',
    query: metricRollupsQuerySchema,
    ok: { status: '200', description: 'The rollups, oldest hour first', schema: body.metricRollupsSchema },
  },
  'POST /events': {
    operationId: 'postEvents',
    summary: 'Ingest up to 500 metric events',
    tag: 'metrics',
    access: 'user',
    body: postEventsSchema,
    ok: { status: '202', description: 'All events are stored; the rollups follow', schema: body.eventsAcceptedSchema },
  },
};
