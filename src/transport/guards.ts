import type { IncomingMessage } from 'node:http';
import cors from 'cors';
import type express from 'express';
import { ErrorCode } from '../errors';
import { httpRejections } from '../observability/metrics';
import { sendRequestError } from './errors';

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
