import type { IncomingMessage } from 'node:http';
import cors from 'cors';
import type express from 'express';
import { ANONYMOUS, credentialsFromHeaders, type Authenticator } from '../auth/authenticate';
import { isLoopbackHost } from '../loopback';
import { ErrorCode } from '../errors';
import type { CredentialRateLimiter } from '../limits/rateLimit';
import { httpRejections } from '../observability/metrics';
import { sendRequestError } from './errors';
import { scopeOf } from './requestScope';

/** Missing or invalid credentials: 401 (403 for a valid token without a known role), and no data. */
export function authenticateRequests(authenticator: Authenticator): express.RequestHandler {
  return async (req, res, next) => {
    const outcome = await authenticator.authenticate(credentialsFromHeaders(req.headers));
    if (outcome.ok) {
      scopeOf(res).principal = outcome.principal;
      next();
      return;
    }
    const unauthenticated = outcome.code === ErrorCode.UNAUTHENTICATED;
    httpRejections.inc({ reason: unauthenticated ? 'unauthenticated' : 'forbidden' });
    if (unauthenticated) res.setHeader('www-authenticate', 'Bearer realm="customer360", ApiKey realm="customer360"');
    sendRequestError(req, res, unauthenticated ? 401 : 403, outcome.code, outcome.message);
  };
}

/** Over the credential's rate: 429 with Retry-After. Anonymous callers (loopback only) count per address. */
export function limitRequestRate(limiter: CredentialRateLimiter): express.RequestHandler {
  return async (req, res, next) => {
    const principal = scopeOf(res).principal;
    const key = principal && principal.kind !== 'anonymous' ? principal.id : `anonymous:${req.socket.remoteAddress ?? ''}`;
    const decision = await limiter.take(key, principal?.role ?? ANONYMOUS.role);
    if (decision.allowed) {
      next();
      return;
    }
    httpRejections.inc({ reason: 'rate_limited' });
    res.setHeader('retry-after', String(decision.retryAfterSec));
    sendRequestError(req, res, 429, ErrorCode.TOO_MANY_REQUESTS, `Too many requests for this credential; retry in ${decision.retryAfterSec} s.`, {
      retryAfterSec: decision.retryAfterSec,
    });
  };
}

/**
 * While authentication is off the gateway answers only requests addressed to a loopback name:
 * a web page cannot reach it by rebinding its own domain name to 127.0.0.1 (DNS rebinding).
 */
export function addressedToLoopback(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (!host) return true;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0] ?? '';
  return isLoopbackHost(name);
}

export function loopbackHostOnly(): express.RequestHandler {
  return (req, res, next) => {
    if (addressedToLoopback(req)) {
      next();
      return;
    }
    httpRejections.inc({ reason: 'forbidden' });
    sendRequestError(req, res, 403, ErrorCode.FORBIDDEN, 'Without authentication the gateway answers only requests addressed to localhost.');
  };
}

/**
 * Whether a browser page may reach the gateway: a request or connection that carries an Origin must come
 * from the gateway's own origin or one listed in ALLOWED_ORIGINS. HTTP (below) and WebSocket (ws.ts, where
 * browsers apply no CORS at all) share this rule.
 */
export function originAllowed(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowedOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Headers a page may send: content type, credentials, Apollo's CSRF-prevention and client-awareness headers. */
const CORS_REQUEST_HEADERS = [
  'content-type',
  'authorization',
  'x-api-key',
  'x-request-id',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
];
/** Response headers a page may read besides the CORS-safelisted ones. */
const CORS_EXPOSED_HEADERS = ['x-request-id', 'retry-after', 'www-authenticate'];

/**
 * CORS on /graphql. A request whose Origin is neither the gateway's own nor in ALLOWED_ORIGINS is refused
 * with 403 and no CORS headers, so the page cannot even read the refusal. The others get the headers for
 * the origin they came from, with credentials (Access-Control-Allow-Credentials), and preflights are
 * answered here, before authentication: browsers send no credentials with them. Every answer carries
 * `Vary: Origin`, so caches keep them apart. Apollo Server's CSRF prevention still refuses requests a page
 * could send without a preflight.
 */
export function crossOriginRequests(allowedOrigins: readonly string[]): express.RequestHandler[] {
  const headers = cors({
    origin: true,
    credentials: true,
    methods: ['GET', 'POST'],
    allowedHeaders: CORS_REQUEST_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
  });
  const listedOriginsOnly: express.RequestHandler = (req, res, next) => {
    res.vary('Origin');
    if (originAllowed(req, allowedOrigins)) {
      next();
      return;
    }
    httpRejections.inc({ reason: 'forbidden' });
    sendRequestError(req, res, 403, ErrorCode.FORBIDDEN, `Requests from origin ${JSON.stringify(req.headers.origin)} are not allowed: it is not in ALLOWED_ORIGINS.`);
  };
  // The cors package takes every OPTIONS for a preflight; only one with Access-Control-Request-Method is
  // (Fetch standard). Any other OPTIONS goes on to Apollo Server, which answers it as it answers any method.
  const preflightsAndResponses: express.RequestHandler = (req, res, next) => {
    if (req.method === 'OPTIONS' && !req.headers['access-control-request-method']) next();
    else headers(req, res, next);
  };
  return [listedOriginsOnly, preflightsAndResponses];
}
