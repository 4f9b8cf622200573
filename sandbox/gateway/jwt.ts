import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import { randomBytes, webcrypto } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { JwtAuthorizerSpec } from '../topology/routes.ts';

export interface TokenRequest {
  readonly sub: string;
  readonly email?: string;
  readonly admin?: boolean;
}

/** What the deployed JWT authorizer hands the integration: claims as strings, and the token's scopes. */
interface VerifiedToken {
  readonly claims: Record<string, string>;
  readonly scopes: string[] | null;
}

type Verification = { readonly ok: true; readonly token: VerifiedToken } | { readonly ok: false; readonly reason: string };

const TOKEN_LIFETIME = '12h';

/** Verified tokens kept at most; the oldest is dropped first. */
const VERIFIED_TOKENS_KEPT = 10_000;

interface VerifiedEntry {
  readonly token: VerifiedToken;
  /** Seconds since the epoch, from the token's `exp` and `nbf` claims. */
  readonly exp: number;
  readonly nbf: number | undefined;
}

/**
 * The sandbox stands in for Cognito: it signs ID tokens (HS256, with a secret of its own) carrying
 * the issuer and audience of the template's JWT authorizer, and checks them the way that authorizer
 * does: `Bearer` scheme, signature, `exp`, `iss` and `aud`.
 *
 * Every request of a client carries the same token, so a token that passed (same string, same
 * issuer and audience asked) is remembered: its signature cannot stop matching the secret, only its
 * time claims are checked again, the way jose checks them; a token that no longer passes them is
 * verified in full, so it is refused with jose's own reason. The key is imported once.
 */
export class TokenAuthority {
  private readonly verified = new Map<string, VerifiedEntry>();

  private constructor(
    private readonly key: webcrypto.CryptoKey,
    private readonly authorizer: Pick<JwtAuthorizerSpec, 'issuer' | 'audience'>,
  ) {}

  /** `secretFile` keeps tokens valid across restarts (persistent mode); without it the secret is random. */
  static async create(authorizer: Pick<JwtAuthorizerSpec, 'issuer' | 'audience'>, secretFile: string | undefined): Promise<TokenAuthority> {
    const key = await webcrypto.subtle.importKey('raw', await loadSecret(secretFile), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    return new TokenAuthority(key, authorizer);
  }

  async issue(request: TokenRequest): Promise<string> {
    const claims: JWTPayload = { token_use: 'id' };
    if (request.email !== undefined) claims['email'] = request.email;
    if (request.admin) claims['cognito:groups'] = ['admin'];
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(request.sub)
      .setIssuer(this.authorizer.issuer)
      .setAudience(this.authorizer.audience[0] ?? 'sandbox')
      .setIssuedAt()
      .setExpirationTime(TOKEN_LIFETIME)
      .sign(this.key);
  }

  async verify(authorization: string | undefined, authorizer: Pick<JwtAuthorizerSpec, 'issuer' | 'audience'>): Promise<Verification> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) return { ok: false, reason: 'missing bearer token' };
    const cacheKey = `${authorizer.issuer}\n${authorizer.audience.join('\n')}\n${token}`;
    const known = this.verified.get(cacheKey);
    if (known) {
      const now = Math.floor(Date.now() / 1000);
      if (known.exp > now && (known.nbf === undefined || known.nbf <= now)) return { ok: true, token: known.token };
      this.verified.delete(cacheKey);
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: authorizer.issuer,
        audience: authorizer.audience,
        requiredClaims: ['exp'],
      });
      const scope = payload['scope'];
      const verified: VerifiedToken = { claims: claimsAsStrings(payload), scopes: typeof scope === 'string' ? scope.split(' ') : null };
      this.remember(cacheKey, { token: verified, exp: payload.exp!, nbf: payload.nbf });
      return { ok: true, token: verified };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  private remember(cacheKey: string, entry: VerifiedEntry): void {
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(cacheKey, entry);
  }
}

/**
 * Claims the way HTTP APIs pass them in `requestContext.authorizer.jwt.claims`: every value a
 * string, arrays in brackets with spaces (`cognito:groups` ['admin', 'ops'] → `[admin ops]`).
 */
export function claimsAsStrings(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (Array.isArray(value)) claims[name] = `[${value.map(String).join(' ')}]`;
    else if (value !== null && typeof value === 'object') claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return claims;
}

async function loadSecret(secretFile: string | undefined): Promise<Uint8Array> {
  if (!secretFile) return randomBytes(32);
  const stored = await readFile(secretFile, 'utf8').catch(() => '');
  const existing = Buffer.from(stored.trim(), 'hex');
  if (existing.length === 32) return existing;
  const secret = randomBytes(32);
  await writeFile(secretFile, secret.toString('hex'), { mode: 0o600 });
  return secret;
}
