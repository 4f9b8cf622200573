import { SignJWT, decodeJwt } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { TokenAuthority, claimsAsStrings } from '../../../sandbox/gateway/jwt.ts';

const authorizer = { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST12345', audience: ['client-1'] };

describe('TokenAuthority', () => {
  it('issues ID tokens the authorizer accepts, with claims as the HTTP API passes them', async () => {
    const tokens = await TokenAuthority.create(authorizer, undefined);
    const token = await tokens.issue({ sub: 'admin-1', email: 'a@example.com', admin: true });
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({ sub: 'admin-1', email: 'a@example.com', 'cognito:groups': ['admin'], token_use: 'id', iss: authorizer.issuer, aud: 'client-1' });
    expect(payload.exp! - payload.iat!).toBe(12 * 60 * 60);

    const verified = await tokens.verify(`Bearer ${token}`, authorizer);
    expect(verified).toEqual({
      ok: true,
      token: {
        claims: expect.objectContaining({ sub: 'admin-1', 'cognito:groups': '[admin]', iat: String(payload.iat), exp: String(payload.exp) }),
        scopes: null,
      },
    });
  });

  it('gives customers no groups claim', async () => {
    const tokens = await TokenAuthority.create(authorizer, undefined);
    expect(decodeJwt(await tokens.issue({ sub: 'customer-1' }))).not.toHaveProperty('cognito:groups');
  });

  it('rejects a missing scheme, a bad signature, another issuer or audience, and expired tokens', async () => {
    const tokens = await TokenAuthority.create(authorizer, undefined);
    const other = await TokenAuthority.create(authorizer, undefined);
    const token = await tokens.issue({ sub: 'u-1' });
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 10).sign(new Uint8Array(32));
    const rejected = [
      await tokens.verify(undefined, authorizer),
      await tokens.verify(token, authorizer),
      await tokens.verify(`Basic ${token}`, authorizer),
      await other.verify(`Bearer ${token}`, authorizer),
      await tokens.verify(`Bearer ${token}`, { ...authorizer, issuer: 'https://elsewhere' }),
      await tokens.verify(`Bearer ${token}`, { ...authorizer, audience: ['client-2'] }),
      await tokens.verify(`Bearer ${expired}`, authorizer),
    ];
    expect(rejected.map((verification) => verification.ok)).toEqual(rejected.map(() => false));
  });

  it('checks a token it accepted before again: issuer, audience and expiry', async () => {
    const tokens = await TokenAuthority.create(authorizer, undefined);
    const token = await tokens.issue({ sub: 'u-1' });
    const first = await tokens.verify(`Bearer ${token}`, authorizer);
    expect(await tokens.verify(`Bearer ${token}`, authorizer)).toEqual(first);
    expect((await tokens.verify(`Bearer ${token}`, { ...authorizer, audience: ['client-2'] })).ok).toBe(false);
    expect((await tokens.verify(`Bearer ${token}`, { ...authorizer, issuer: 'https://elsewhere' })).ok).toBe(false);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime((decodeJwt(token).exp! + 1) * 1000);
      expect(await tokens.verify(`Bearer ${token}`, authorizer)).toEqual({ ok: false, reason: '"exp" claim timestamp check failed' });
    } finally {
      vi.useRealTimers();
    }
    expect(await tokens.verify(`Bearer ${token}`, authorizer)).toEqual(first);
  });

  it('keeps its secret in a file, so tokens survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-jwt-test-'));
    try {
      const token = await (await TokenAuthority.create(authorizer, join(dir, 'secret'))).issue({ sub: 'u-1' });
      const restarted = await TokenAuthority.create(authorizer, join(dir, 'secret'));
      expect((await restarted.verify(`Bearer ${token}`, authorizer)).ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('claimsAsStrings', () => {
  it('stringifies numbers and booleans and brackets arrays', () => {
    expect(claimsAsStrings({ sub: 'u', exp: 5, email_verified: true, 'cognito:groups': ['admin', 'ops'] })).toEqual({
      sub: 'u',
      exp: '5',
      email_verified: 'true',
      'cognito:groups': '[admin ops]',
    });
  });
});
