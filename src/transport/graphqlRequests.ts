import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import type express from 'express';
import type { AdmittedDocument } from '../admission/admission';
import type { Context } from '../context';
import { ErrorCode, RequestAbandoned } from '../errors';
import { httpRejections } from '../observability/metrics';
import type { AdmittedDocumentStore } from './apolloDocuments';
import { sendRequestError } from './errors';
import { requestScopeStorage, scopeOf, type RequestScope } from './requestScope';

const TIMED_OUT = Symbol('timed out');

/**
 * The request as Apollo Server gets it: the admitted document's text as `query`, in place of a document
 * id or a persisted-query hash (Apollo looks the document up by that text). Anything else stays as sent.
 */
function withAdmittedSource(req: express.Request, admitted: AdmittedDocument | undefined): { search: string; body: unknown } {
  const queryStart = req.originalUrl.indexOf('?');
  const search = queryStart >= 0 ? req.originalUrl.slice(queryStart) : '';
  if (!admitted) return { search, body: req.body };
  if (req.method === 'GET') {
    const params = new URLSearchParams(search);
    params.delete('documentId');
    params.set('query', admitted.source);
    const extensions = withoutPersistedQuery(params.get('extensions') === null ? undefined : JSON.parse(params.get('extensions')!));
    if (extensions) params.set('extensions', JSON.stringify(extensions));
    else params.delete('extensions');
    return { search: `?${params}`, body: req.body };
  }
  const { documentId: _id, extensions, ...rest } = req.body as Record<string, unknown>;
  const others = withoutPersistedQuery(extensions);
  return { search, body: { ...rest, query: admitted.source, ...(others ? { extensions: others } : {}) } };
}

/** Request extensions without Apollo's persisted-query hash (admission has resolved it), or undefined when none are left. */
function withoutPersistedQuery(extensions: unknown): Record<string, unknown> | undefined {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const { persistedQuery: _hash, ...others } = extensions as Record<string, unknown>;
  return Object.keys(others).length > 0 ? others : undefined;
}

/**
 * Hands admitted /graphql requests to Apollo Server (what `expressMiddleware` does) within the request's
 * scope, with the document admission made (Apollo parses and validates nothing itself; a trusted document
 * named by id goes on as its text), and bounds them: a request still running after `timeoutMs` is
 * answered 504 TIMEOUT. Its signal (the context's) aborts then, or when the client goes away first, and the
 * ClickHouse work it started stops with it.
 */
export function serveGraphQL(
  apollo: ApolloServer<Context>,
  options: { documents: AdmittedDocumentStore; context: (scope: RequestScope, signal: AbortSignal) => Promise<Context>; timeoutMs: number },
): express.RequestHandler {
  return async (req, res) => {
    const scope = scopeOf(res);
    const abandon = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abandon.abort(new RequestAbandoned('The client closed the connection before the answer.'));
    });
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const { search, body } = withAdmittedSource(req, scope.admitted);
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: req.method.toUpperCase(),
      headers,
      search,
      // Express 5 leaves the body undefined when no parser took it (not JSON); Apollo answers 400 then.
      body,
    };
    const release = scope.admitted ? options.documents.hold(scope.admitted.source, scope.admitted.document) : () => undefined;
    const execution = requestScopeStorage
      .run(scope, () => apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => options.context(scope, abandon.signal) }))
      .finally(release);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), options.timeoutMs);
    });
    const response = await Promise.race([execution, deadline]).finally(() => clearTimeout(timer));
    if (response === TIMED_OUT) {
      abandon.abort(new RequestAbandoned(`The request did not finish within ${options.timeoutMs} ms.`));
      execution.catch((error: unknown) => scope.logger.error({ err: error }, 'timed-out request failed later'));
      httpRejections.inc({ reason: 'timeout' });
      scope.logger.warn({ timeoutMs: options.timeoutMs }, 'request timed out');
      sendRequestError(req, res, 504, ErrorCode.TIMEOUT, `The request did not finish within ${options.timeoutMs} ms.`, {
        requestId: scope.requestId,
      });
      return;
    }
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.send(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
