import { etagOf, isNotModified } from '../http/etag.ts';
import { header, type HttpEvent } from '../http/request.ts';
import { json, type HttpResult } from '../http/respond.ts';

/**
 * Shared caches (browsers, CDNs) may keep a public read half a minute, and serve it stale for a
 * minute more while they revalidate in the background: a hot product's burst is absorbed before it
 * reaches the API. Catalog changes take up to this long to reach every client.
 */
const PUBLIC_READ_CACHE_CONTROL = 'public, max-age=30, stale-while-revalidate=60';

/**
 * A 200 JSON answer to a public GET with Cache-Control and a strong ETag, or 304 with no body when
 * the request's If-None-Match names the current ETag. Only for routes without authentication.
 */
export function publicJson(event: HttpEvent, body: unknown): HttpResult {
  const response = json(200, body);
  const etag = etagOf(response.body ?? '');
  const headers = { 'cache-control': PUBLIC_READ_CACHE_CONTROL, etag };
  if (isNotModified(header(event, 'if-none-match'), etag)) return { statusCode: 304, headers, body: '' };
  return { ...response, headers: { ...response.headers, ...headers } };
}
