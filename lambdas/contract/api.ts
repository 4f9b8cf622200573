import openApi from '../../contracts/openapi.json' with { type: 'json' };
import { etagOf, isNotModified } from '../http/etag.ts';
import { apiHandler } from '../http/api-handler.ts';
import type { HttpEvent } from '../http/request.ts';
import type { HttpResult } from '../http/respond.ts';

/**
 * GET /openapi.json: the committed contract (contracts/openapi.json, written by `npm run contracts`),
 * bundled as data — the generator and its zod schemas never reach the function. The body and its
 * ETag are computed once per instance; the document changes only with a deployment, so caches may
 * keep it five minutes and revalidate with If-None-Match after that.
 */
const body = JSON.stringify(openApi);
const etag = etagOf(body);
const headers = { 'cache-control': 'public, max-age=300', etag };

// The header is read directly: http/request.ts would bring zod, which this function has no use for.
async function openApiDocument(event: HttpEvent): Promise<HttpResult> {
  if (isNotModified(event.headers?.['if-none-match'], etag)) return { statusCode: 304, headers, body: '' };
  return { statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body };
}

export const handler = apiHandler({
  'GET /openapi.json': openApiDocument,
});
