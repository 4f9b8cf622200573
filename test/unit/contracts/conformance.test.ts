import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConformanceChecker, type Exchange } from '../../../contracts/openapi/conformance.ts';
import { projectRoot } from '../../../lib/settings.ts';

const checker = new ConformanceChecker(JSON.parse(readFileSync(join(projectRoot, 'contracts/openapi.json'), 'utf8')));

const exchange = (method: string, path: string, status: number, body: unknown, headers: Record<string, string> = {}): Exchange => ({
  method,
  path,
  status,
  headers: new Headers({ ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers }),
  body: body === undefined ? '' : JSON.stringify(body),
});

const product = { productId: 'p1', name: 'Cup', description: '', priceCents: 1250, currency: 'USD', categories: ['cups'], attributes: {} };
const cached = { 'cache-control': 'public, max-age=30', etag: '"abc"' };

describe('the conformance check of a response against contracts/openapi.json', () => {
  it('passes a documented answer with its headers', () => {
    expect(checker.problems(exchange('GET', '/products/p1', 200, product, cached))).toEqual([]);
    expect(checker.problems(exchange('GET', '/categories/cups/products?limit=2', 200, { items: [product], nextCursor: null }, cached))).toEqual([]);
    expect(checker.problems(exchange('GET', '/products/p1', 304, undefined, cached))).toEqual([]);
  });

  it('fails a body with a missing field, an undocumented field or a wrong type', () => {
    const { currency: _, ...withoutCurrency } = product;
    expect(checker.problems(exchange('GET', '/products/p1', 200, withoutCurrency, cached))).toEqual([expect.stringContaining("must have required property 'currency'")]);
    expect(checker.problems(exchange('GET', '/products/p1', 200, { ...product, stock: 3 }, cached))).toEqual([expect.stringContaining('must NOT have additional properties')]);
    expect(checker.problems(exchange('GET', '/products/p1', 200, { ...product, priceCents: '12.50' }, cached))).toEqual([expect.stringContaining('/priceCents must be integer')]);
  });

  it('fails a missing required header, a body on a 304 and an undocumented content type', () => {
    expect(checker.problems(exchange('GET', '/products/p1', 200, product, { 'cache-control': 'public' }))).toEqual(['header ETag is required']);
    expect(checker.problems(exchange('GET', '/products/p1', 304, product, cached))).toEqual(['the response has a body, and the document says it has none']);
    expect(checker.problems({ ...exchange('GET', '/health', 200, { status: 'ok' }), headers: new Headers({ 'content-type': 'text/plain' }) })).toEqual([
      'content-type "text/plain" is not documented (documented: application/json)',
    ]);
  });

  it('fails a status the operation does not list, and an error code of another status', () => {
    expect(checker.problems(exchange('GET', '/health', 404, { error: { code: 'NOT_FOUND', message: 'x' } }))).toEqual([expect.stringMatching(/^status 404 is not documented/)]);
    expect(checker.problems(exchange('GET', '/products/p1', 404, { error: { code: 'NOT_FOUND', message: 'No such product' } }))).toEqual([]);
    expect(checker.problems(exchange('GET', '/products/p1', 404, { error: { code: 'VALIDATION_FAILED', message: 'x' } }))).not.toEqual([]);
    expect(checker.problems(exchange('POST', '/orders', 400, { error: { code: 'VALIDATION_FAILED', message: 'x' } }))).toEqual([expect.stringContaining("must have required property 'details'")]);
  });

  it('takes API Gateway’s own answers where the document says the gateway may answer', () => {
    expect(checker.problems(exchange('GET', '/me', 401, { message: 'Unauthorized' }))).toEqual([]);
    expect(checker.problems(exchange('GET', '/me', 500, { message: 'Internal Server Error' }))).toEqual([]);
    expect(checker.problems(exchange('GET', '/me', 503, { error: { code: 'UNAVAILABLE', message: 'busy' } }, { 'retry-after': '1' }))).toEqual([]);
    expect(checker.problems(exchange('GET', '/me', 503, { error: { code: 'UNAVAILABLE', message: 'busy' } }, { 'retry-after': 'soon' }))).toEqual([expect.stringContaining('header Retry-After must match pattern')]);
  });

  it('takes the gateway’s 404 for a route the API does not have, and nothing else there', () => {
    expect(checker.problems(exchange('GET', '/no/such/route', 404, { message: 'Not Found' }))).toEqual([]);
    expect(checker.problems(exchange('POST', '/health', 404, { message: 'Not Found' }))).toEqual([]);
    expect(checker.problems(exchange('GET', '/no/such/route', 200, {}))).toEqual(['GET /no/such/route is not an operation of the document, yet was answered 200']);
  });

  it('prefers a concrete path to a templated one', () => {
    expect(checker.problems(exchange('GET', '/me/cart', 200, { items: [], expiresAt: null }))).toEqual([]);
    expect(checker.problems(exchange('GET', '/products/p1/inventory', 200, { productId: 'p1', total: 0, warehouses: [] }))).toEqual([]);
  });
});
