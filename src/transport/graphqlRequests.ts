import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import type express from 'express';
import type { Context } from '../context';
import { ErrorCode } from '../errors';
import { nestingError } from '../limits/document';
import type { DocumentRequest, TrustedDocument, TrustedDocuments } from '../limits/trustedDocuments';
import { httpRejections } from '../observability/metrics';
import { sendRequestError } from './errors';
import { requestScopeStorage, scopeOf, type RequestScope } from './requestScope';

const TIMED_OUT = Symbol('timed out');

/** A GET request's `extensions` parameter (JSON), or undefined when it is absent or not JSON (Apollo reports that). */
function parseJsonParam(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** The request without its document id or persisted-query hash, naming the trusted document by its text instead. */
function withTrustedSource(params: Record<string, unknown>, trusted: TrustedDocument): Record<string, unknown> {
  const { documentId: _id, extensions, ...rest } = params;
  const { persistedQuery: _hash, ...otherExtensions } = (extensions ?? {}) as Record<string, unknown>;
  return { ...rest, query: trusted.source, ...(Object.keys(otherExtensions).length > 0 ? { extensions: otherExtensions } : {}) };
}

/**
 * Hands /graphql requests to Apollo Server (what `expressMiddleware` does) within the request's
 * scope, and bounds them: a request still running after `timeoutMs` is answered 504 TIMEOUT. Its
 * execution is left to finish in the background, and ClickHouse stops each statement at
 * max_execution_time, so the work it leaves behind is bounded too.
 *
 * A request that names a trusted document (by id, hash or exact text) is handed on with that document's
 * text, which Apollo finds parsed and validated in its document store; with TRUSTED_DOCUMENTS=required any
 * other request is refused here with 400 UNTRUSTED_DOCUMENT.
 */
export function serveGraphQL(
  apollo: ApolloServer<Context>,
  options: { context: (scope: RequestScope) => Promise<Context>; timeoutMs: number; maxTokens: number; trusted: TrustedDocuments },
): express.RequestHandler {
  return async (req, res) => {
    const scope = scopeOf(res);
    const get = req.method === 'GET';
    const params: DocumentRequest = get
      ? { query: req.query['query'], documentId: req.query['documentId'], extensions: parseJsonParam(req.query['extensions']) }
      : ((req.body ?? {}) as DocumentRequest);
    const resolution = options.trusted.resolve(params);
    if (!resolution.ok) {
      httpRejections.inc({ reason: 'untrusted_document' });
      sendRequestError(req, res, 400, ErrorCode.UNTRUSTED_DOCUMENT, resolution.error.message);
      return;
    }
    const { trusted } = resolution;
    // A trusted document was checked at start; any other text is scanned for runaway nesting before it is parsed.
    const tooDeep = !trusted && typeof params.query === 'string' ? nestingError(params.query, options.maxTokens) : null;
    if (tooDeep) {
      sendRequestError(req, res, 400, ErrorCode.QUERY_TOO_COMPLEX, tooDeep.message, { limit: 'depth', max: tooDeep.extensions['max'] });
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const queryStart = req.originalUrl.indexOf('?');
    let search = queryStart >= 0 ? req.originalUrl.slice(queryStart) : '';
    let body: unknown = req.body;
    if (trusted && get) {
      const searchParams = new URLSearchParams(search);
      const rewritten = withTrustedSource({ extensions: params.extensions }, trusted);
      searchParams.delete('documentId');
      searchParams.set('query', rewritten.query as string);
      if (rewritten.extensions) searchParams.set('extensions', JSON.stringify(rewritten.extensions));
      else searchParams.delete('extensions');
      search = `?${searchParams}`;
    } else if (trusted) {
      body = withTrustedSource(req.body as Record<string, unknown>, trusted);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: req.method.toUpperCase(),
      headers,
      search,
      // Express 5 leaves the body undefined when no parser took it (not JSON); Apollo answers 400 then.
      body,
    };
    const execution = requestScopeStorage.run(scope, () =>
      apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => options.context(scope) }),
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), options.timeoutMs);
    });
    const response = await Promise.race([execution, deadline]).finally(() => clearTimeout(timer));
    if (response === TIMED_OUT) {
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
