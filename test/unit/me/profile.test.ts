import { describe, expect, it } from 'vitest';
import { apiHandler } from '../../../lambdas/http/api-handler.ts';
import type { HttpEvent } from '../../../lambdas/http/request.ts';
import { getMe, putMe } from '../../../lambdas/me/profile.ts';
import { httpEvent, lambdaContext, parseBody } from '../lambda-events.ts';
import { fakeUsers } from '../shop-fakes.ts';

/** The profile routes over an in-memory user store: what the API answers for each outcome. */
function setup(claims: Record<string, string> = {}) {
  const users = fakeUsers([], claims);
  const ports = { users: users.store, now: () => '2026-11-24T10:00:00.000Z' };
  const handler = apiHandler({ 'PUT /me': (event: HttpEvent) => putMe(event, ports), 'GET /me': (event: HttpEvent) => getMe(event, ports) });
  const put = (body: unknown) => handler(httpEvent({ routeKey: 'PUT /me', body }), lambdaContext);
  return { users: users.state, handler, put };
}

describe('PUT /me', () => {
  it('answers the saved user with the derived name', async () => {
    const result = await setup().put({ email: 'Ada@Example.com', name: 'Ada  Lovelace' });
    expect(result.statusCode).toBe(200);
    expect(parseBody(result)).toMatchObject({
      userId: 'user-1',
      email: 'Ada@Example.com',
      status: 'active',
      profile: { givenName: 'Ada', familyName: 'Lovelace', name: 'Ada Lovelace' },
    });
  });

  it("answers 409 EMAIL_TAKEN when another user holds the email's claim", async () => {
    const result = await setup({ 'taken@example.com': 'user-2' }).put({ email: 'taken@example.com' });
    expect(result.statusCode).toBe(409);
    expect(parseBody(result).error.code).toBe('EMAIL_TAKEN');
  });

  it('answers 409 CONFLICT when the user keeps changing under it', async () => {
    const { users, put } = setup();
    users.interfere = Array.from({ length: 99 }, () => 'contended' as const);
    const result = await put({ email: 'busy@example.com' });
    expect(result.statusCode).toBe(409);
    expect(parseBody(result).error.code).toBe('CONFLICT');
  });

  it('refuses name together with its parts, before touching the store', async () => {
    const { users, put } = setup();
    const result = await put({ email: 'a@example.com', name: 'Ada Lovelace', givenName: 'Ada' });
    expect(result.statusCode).toBe(400);
    expect(parseBody(result).error.details).toEqual([expect.objectContaining({ path: 'name' })]);
    expect(users.reads).toHaveLength(0);
    expect(users.commits).toHaveLength(0);
  });
});

describe('GET /me', () => {
  it('answers the profile with zero stats and no recent orders before the first order', async () => {
    const { users, handler } = setup();
    users.users.set('user-1', {
      userId: 'user-1', email: 'ada@example.com', status: 'active', schemaVersion: 2,
      profile: { givenName: 'Ada', familyName: 'King Lovelace', phone: '+44 20' },
      createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z',
    });
    const result = await handler(httpEvent({ routeKey: 'GET /me' }), lambdaContext);
    expect(result.statusCode).toBe(200);
    expect(parseBody(result)).toEqual({
      userId: 'user-1',
      email: 'ada@example.com',
      status: 'active',
      profile: { givenName: 'Ada', familyName: 'King Lovelace', name: 'Ada King Lovelace', phone: '+44 20' },
      createdAt: '2025-01-01T00:00:00.000Z',
      stats: { orderCount: 0, lifetimeValueCents: 0 },
      recentOrders: [],
    });
  });

  it('answers 404 before the profile is created', async () => {
    const result = await setup().handler(httpEvent({ routeKey: 'GET /me' }), lambdaContext);
    expect(result.statusCode).toBe(404);
    expect(parseBody(result).error.code).toBe('NOT_FOUND');
  });
});
