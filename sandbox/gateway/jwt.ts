import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import { randomBytes } from 'node:crypto';
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

/**
 * The sandbox stands in for Cognito: it signs ID tokens (HS256, with a secret of its own) carrying
 * the issuer and audience of the template's JWT authorizer, and checks them the way that authorizer
 * does: `Bearer` scheme, signature, `exp`, `iss` and `aud`.
 */
export class TokenAuthority {
  private constructor(
    private readonly secret: Uint8Array,
    private readonly authorizer: Pick<JwtAuthorizerSpec, 'issuer' | 'audience'>,
  ) {}

  /** `secretFile` keeps tokens valid across restarts (persistent mode); without it the secret is random. */
  static async create(authorizer: Pick<JwtAuthorizerSpec, 'issuer' | 'audience'>, secretFile: string | undefined): Promise<TokenAuthority> {
    return new TokenAuthority(await loadSecret(secretFile), authorizer);
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
      .sign(this.secret);
  }

  async verify(authorization: string | undefined, authorizer: Pick<JwtAuthorizerSpec, 'issuer' | 'audience'>): Promise<Verification> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) return { ok: false, reason: 'missing bearer token' };
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: ['HS256'],
        issuer: authorizer.issuer,
        audience: authorizer.audience,
        requiredClaims: ['exp'],
      });
      const scope = payload['scope'];
      return { ok: true, token: { claims: claimsAsStrings(payload), scopes: typeof scope === 'string' ? scope.split(' ') : null } };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
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
