import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type express from 'express';
import type { AdmittedDocument, Identity } from '../admission/admission';
import type { Logger } from '../logger';

/**
 * What every part of one HTTP request shares: its id, its logger (carrying the id) and, as admission
 * decides them, its caller and its admitted document.
 */
export interface RequestScope {
  requestId: string;
  logger: Logger;
  identity?: Identity;
  /** The document admission made of the request, for Apollo Server to execute. */
  admitted?: AdmittedDocument;
}

/** Lets code without a handle on the request (Apollo's formatError) log with the request's id. */
export const requestScopeStorage = new AsyncLocalStorage<RequestScope>();

export function currentRequestScope(): RequestScope | undefined {
  return requestScopeStorage.getStore();
}

/** A client's X-Request-Id is kept when it is a plain token (it goes into logs); otherwise a new one is made. */
export function requestIdFrom(header: string | undefined): string {
  return header && /^[\w.:-]{1,128}$/.test(header) ? header : randomUUID();
}

export function scopeOf(res: express.Response): RequestScope {
  return res.locals['scope'] as RequestScope;
}

/** First middleware of /graphql: assigns the id, answers with it, and logs the request when it finishes. */
export function assignRequestScope(logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdFrom(req.get('x-request-id'));
    const scope: RequestScope = { requestId, logger: logger.child({ requestId }) };
    res.locals['scope'] = scope;
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    res.on('finish', () => {
      const entry = {
        method: req.method,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
        principal: scope.identity?.principal.id,
      };
      if (res.statusCode >= 500) scope.logger.error(entry, 'request failed');
      else if (res.statusCode >= 400) scope.logger.info(entry, 'request refused');
      else scope.logger.debug(entry, 'request served');
    });
    next();
  };
}
