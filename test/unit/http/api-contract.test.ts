import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiHandler } from '../../../lambdas/http/api-handler.ts';
import { jsonBody, MAX_BODY_BYTES, pathId, requireAdmin } from '../../../lambdas/http/request.ts';
import { json } from '../../../lambdas/http/respond.ts';
import { adminClaims, httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';

const handler = apiHandler({
  'PUT /things/{thingId}': async (event) => {
    const id = pathId(event, 'thingId');
    const body = jsonBody(event, z.strictObject({ n: z.number().int() }));
    return json(200, { id, ...body });
  },
  'GET /admin/things': async (event) => {
    requireAdmin(event);
    return json(200, {});
  },
  'GET /boom': async () => {
    throw new Error('secret detail');
  },
  'GET /throttled': async () => {
    throw Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
  },
});
const call = (event: Parameters<typeof handler>[0]) => handler(event, lambdaContext);

describe('the error contract (SPEC §4)', () => {
  it('answers 415 for a body that is not JSON by content type', async () => {
    const result = await call(httpEvent({ routeKey: 'PUT /things/{thingId}', pathParameters: { thingId: 'a' }, rawBody: 'n=1', headers: { 'content-type': 'text/plain' } }));
    expect(result.statusCode).toBe(415);
    expect(parseBody(result).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts application/json with a charset', async () => {
    const result = await call(httpEvent({ routeKey: 'PUT /things/{thingId}', pathParameters: { thingId: 'a' }, rawBody: '{"n":1}', headers: { 'content-type': 'application/json; charset=utf-8' } }));
    expect(result.statusCode).toBe(200);
  });

  it('answers 400 with details for a malformed or invalid body, and for a bad id', async () => {
    const malformed = await call(httpEvent({ routeKey: 'PUT /things/{thingId}', pathParameters: { thingId: 'a' }, rawBody: '{"n":' }));
    expect(malformed.statusCode).toBe(400);
    const invalid = await call(httpEvent({ routeKey: 'PUT /things/{thingId}', pathParameters: { thingId: 'a' }, body: { n: 'x', extra: 1 } }));
    expect(invalid.statusCode).toBe(400);
    expect(parseBody(invalid).error).toMatchObject({ code: 'VALIDATION_FAILED', details: expect.arrayContaining([expect.objectContaining({ path: 'n' })]) });
    const badId = await call(httpEvent({ routeKey: 'PUT /things/{thingId}', pathParameters: { thingId: 'a/b' }, body: { n: 1 } }));
    expect(badId.statusCode).toBe(400);
    expect(parseBody(badId).error.details[0].path).toBe('thingId');
  });

  it('answers 413 for a body over the limit', async () => {
    const result = await call(httpEvent({ routeKey: 'PUT /things/{thingId}', pathParameters: { thingId: 'a' }, rawBody: `{"n":1,"pad":"${'x'.repeat(MAX_BODY_BYTES)}"}` }));
    expect(result.statusCode).toBe(413);
  });

  it('answers 401 without a subject and 403 for a non-admin on an admin route', async () => {
    expect((await call(httpEvent({ routeKey: 'GET /admin/things', claims: null }))).statusCode).toBe(401);
    expect((await call(httpEvent({ routeKey: 'GET /admin/things' }))).statusCode).toBe(403);
    expect((await call(httpEvent({ routeKey: 'GET /admin/things', claims: adminClaims }))).statusCode).toBe(200);
    expect((await call(httpEvent({ routeKey: 'GET /admin/things', claims: { sub: 'a', 'cognito:groups': '["staff","admin"]' } }))).statusCode).toBe(200);
  });

  it('hides unexpected errors behind INTERNAL and sheds throttling as 503 with Retry-After', async () => {
    const boom = await call(httpEvent({ routeKey: 'GET /boom' }));
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('secret');
    expect(parseBody(boom).error.code).toBe('INTERNAL');
    const throttled = await call(httpEvent({ routeKey: 'GET /throttled' }));
    expect(throttled.statusCode).toBe(503);
    expect(throttled.headers?.['retry-after']).toBe('1');
  });
});

describe('throttling behind ElectroDB', () => {
  it('answers 503, not 500, when the SDK throttling error is wrapped as the cause', async () => {
    const wrapped = apiHandler({
      'GET /wrapped': async () => {
        const sdkError = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
        throw Object.assign(new Error('Error thrown by DynamoDB client', { cause: sdkError }), { name: 'ElectroError' });
      },
    });
    const result = await wrapped(httpEvent({ routeKey: 'GET /wrapped' }), lambdaContext);
    expect(result.statusCode).toBe(503);
    expect(parseBody(result).error.code).toBe('UNAVAILABLE');
  });
});
