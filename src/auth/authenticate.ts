import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../config';
import { ErrorCode } from '../errors';
import { ApiKeyVerifier, type Principal } from './credentials';
import { JwtError, JwtVerifier, looksLikeJwt } from './jwt';
import { Role } from './roles';

/** What a client presented: an `Authorization` value (`Bearer <jwt or key>`, `ApiKey <key>`) or a bare API key. */
export interface PresentedCredentials {
  authorization?: string;
  apiKey?: string;
}

export type AuthOutcome =
  | { ok: true; principal: Principal }
  | { ok: false; code: ErrorCode.UNAUTHENTICATED | ErrorCode.FORBIDDEN; message: string };

/** Who every request is while AUTH_MODE=none (loopback only): support, so the demo shows everything. */
export const ANONYMOUS: Principal = { id: 'anonymous', role: Role.SUPPORT, kind: 'anonymous' };

const unauthenticated = (message: string): AuthOutcome => ({ ok: false, code: ErrorCode.UNAUTHENTICATED, message });

/** Turns presented credentials into a principal, the same way for HTTP requests and WebSocket connections. */
export class Authenticator {
  private readonly apiKeys: ApiKeyVerifier;
  private readonly jwt: JwtVerifier | null;

  constructor(private readonly config: Config['auth']) {
    this.apiKeys = new ApiKeyVerifier(config.apiKeys);
    this.jwt = config.jwt ? new JwtVerifier(config.jwt) : null;
  }

  get required(): boolean {
    return this.config.mode === 'required';
  }

  async authenticate(presented: PresentedCredentials): Promise<AuthOutcome> {
    if (!this.required) return { ok: true, principal: ANONYMOUS };
    if (presented.authorization !== undefined) {
      const match = /^(Bearer|ApiKey)\s+(\S+)\s*$/i.exec(presented.authorization);
      if (!match) return unauthenticated('The Authorization header must be "Bearer <token>" or "ApiKey <key>".');
      const [, scheme, token] = match as unknown as [string, string, string];
      if (scheme.toLowerCase() === 'bearer' && looksLikeJwt(token)) return this.verifyJwt(token);
      return this.verifyApiKey(token);
    }
    if (presented.apiKey !== undefined) return this.verifyApiKey(presented.apiKey);
    return unauthenticated('Authentication required: send "Authorization: Bearer <token>" or an "X-API-Key" header.');
  }

  private verifyApiKey(key: string): AuthOutcome {
    const principal = this.apiKeys.verify(key);
    return principal ? { ok: true, principal } : unauthenticated('The API key is not valid.');
  }

  private async verifyJwt(token: string): Promise<AuthOutcome> {
    if (!this.jwt) return unauthenticated('Bearer tokens are not accepted by this gateway; use an API key.');
    try {
      return { ok: true, principal: await this.jwt.verify(token) };
    } catch (error) {
      if (error instanceof JwtError && error.reason === 'no-role') {
        return { ok: false, code: ErrorCode.FORBIDDEN, message: error.message };
      }
      return unauthenticated(error instanceof JwtError ? error.message : 'The bearer token was rejected.');
    }
  }
}

const firstHeader = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export function credentialsFromHeaders(headers: IncomingHttpHeaders): PresentedCredentials {
  const authorization = firstHeader(headers['authorization']);
  const apiKey = firstHeader(headers['x-api-key']);
  return { ...(authorization !== undefined ? { authorization } : {}), ...(apiKey !== undefined ? { apiKey } : {}) };
}

/** graphql-ws `connectionParams`: `{ authorization: 'Bearer …' }` or `{ apiKey: '…' }` (browsers cannot set headers). */
export function credentialsFromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): PresentedCredentials {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const authorization = text(params?.['authorization']) ?? text(params?.['Authorization']);
  const apiKey = text(params?.['apiKey']) ?? text(params?.['x-api-key']);
  return { ...(authorization !== undefined ? { authorization } : {}), ...(apiKey !== undefined ? { apiKey } : {}) };
}
