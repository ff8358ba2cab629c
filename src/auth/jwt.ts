import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { isLoopbackHost } from '../loopback';
import type { Principal } from './credentials';
import { parseRole, Role } from './roles';

export interface JwtOptions {
  /** HS256 shared secret (AUTH_JWT_SECRET). */
  secret?: string;
  /** RS256 public keys, fetched and cached from this JWKS URL (AUTH_JWKS_URL): https, or http on loopback only. */
  jwksUrl?: string;
  /** Required `iss` (AUTH_JWT_ISSUER); always set when `jwksUrl` is. */
  issuer?: string;
  /** Required `aud` (AUTH_JWT_AUDIENCE); always set when `jwksUrl` is. */
  audience?: string;
  /** Claim holding the role, a dotted path into the payload (AUTH_ROLE_CLAIM, default `role`). */
  roleClaim: string;
}

/** Tokens whose clock is this far off are still accepted (`exp`, `nbf`). */
const CLOCK_TOLERANCE_SEC = 5;

export class JwtError extends Error {
  override name = 'JwtError';
  constructor(
    message: string,
    /** UNAUTHENTICATED: the token is not valid. FORBIDDEN: valid, but it carries no known role. */
    readonly reason: 'invalid' | 'no-role',
  ) {
    super(message);
  }
}

/**
 * Why a JWKS URL may not be used, or null. Keys fetched over plain http could be swapped by anyone on
 * the path, and every token they sign would pass: only https, and http to a loopback address for tests.
 */
export function jwksUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be a URL';
  }
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return null;
  return 'must be an https URL (http is accepted only for a loopback address, in tests)';
}

/** A compact JWS: three base64url parts. Anything else presented as a bearer token is taken for an API key. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
}

/**
 * Verifies bearer tokens with `jose`: HS256 against a shared secret, RS256 against a JWKS URL
 * (keys cached and refreshed by `createRemoteJWKSet`). The algorithm allowed is fixed by the key
 * that verifies it, so a token cannot pick a weaker one (no `none`, no HS256 signed with a public key).
 * Every token must carry `exp` (a token without one would be valid forever); with a JWKS, whose keys
 * may sign tokens for many services, `iss` and `aud` must name this gateway too.
 */
export class JwtVerifier {
  private readonly secret?: Uint8Array;
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly options: JwtOptions) {
    if (options.secret) this.secret = new TextEncoder().encode(options.secret);
    if (options.jwksUrl) {
      // The configuration refuses these already; a verifier built some other way must not be weaker.
      const problem = jwksUrlProblem(options.jwksUrl);
      if (problem) throw new Error(`JWKS URL ${problem}`);
      if (!options.issuer || !options.audience) throw new Error('a JWKS needs a required issuer and audience');
      this.jwks = createRemoteJWKSet(new URL(options.jwksUrl));
    }
  }

  async verify(token: string): Promise<Principal> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new JwtError('The bearer token is not a JWT.', 'invalid');
    }
    const claims = {
      issuer: this.options.issuer,
      audience: this.options.audience,
      clockTolerance: CLOCK_TOLERANCE_SEC,
      requiredClaims: ['exp'],
    };
    let payload: JWTPayload;
    try {
      if (alg === 'HS256' && this.secret) {
        ({ payload } = await jwtVerify(token, this.secret, { ...claims, algorithms: ['HS256'] }));
      } else if (alg === 'RS256' && this.jwks) {
        ({ payload } = await jwtVerify(token, this.jwks, { ...claims, algorithms: ['RS256'] }));
      } else {
        throw new Error(`algorithm ${JSON.stringify(alg)} is not accepted`);
      }
    } catch (error) {
      throw new JwtError(`The bearer token was rejected: ${(error as Error).message}`, 'invalid');
    }
    const role = roleOf(readClaim(payload, this.options.roleClaim));
    if (!role) throw new JwtError(`The token carries no known role in claim "${this.options.roleClaim}".`, 'no-role');
    const subject = payload.sub ?? 'unknown';
    // jwtVerify checked that `exp` is there and in the future (within the tolerance it grants).
    const expiresAt = ((payload.exp as number) + CLOCK_TOLERANCE_SEC) * 1000;
    return { id: `jwt:${payload.iss ?? ''}:${subject}`, role, kind: 'jwt', expiresAt };
  }
}

function readClaim(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A role claim is one role or a list of them; from a list the broadest known role applies. */
function roleOf(claim: unknown): Role | null {
  const candidates = Array.isArray(claim) ? claim : [claim];
  const roles = candidates.map(parseRole).filter((r): r is Role => r !== null);
  if (roles.includes(Role.SUPPORT)) return Role.SUPPORT;
  return roles[0] ?? null;
}
