import type { IncomingMessage } from 'node:http';
import type { Caller } from '../admission/admission';
import { credentialsFromHeaders, type PresentedCredentials } from '../auth/authenticate';

/** A request (or a WebSocket's upgrade request) as admission sees its caller; the credential from its headers unless given. */
export function callerOf(req: IncomingMessage, credentials: PresentedCredentials = credentialsFromHeaders(req.headers)): Caller {
  return {
    credentials,
    address: req.socket.remoteAddress ?? '',
    ...(req.headers.host === undefined ? {} : { host: req.headers.host }),
    forwarded: req.headers['forwarded'] !== undefined || req.headers['x-forwarded-for'] !== undefined,
  };
}
