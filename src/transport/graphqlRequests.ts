import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import type express from 'express';
import type { Context } from '../context';
import { ErrorCode } from '../errors';
import { nestingError } from '../limits/document';
import { httpRejections } from '../observability/metrics';
import { sendRequestError } from './errors';
import { requestScopeStorage, scopeOf, type RequestScope } from './requestScope';

const TIMED_OUT = Symbol('timed out');

/**
 * Hands /graphql requests to Apollo Server (what `expressMiddleware` does) within the request's
 * scope, and bounds them: a request still running after `timeoutMs` is answered 504 TIMEOUT. Its
 * execution is left to finish in the background, and ClickHouse stops each statement at
 * max_execution_time, so the work it leaves behind is bounded too.
 */
export function serveGraphQL(
  apollo: ApolloServer<Context>,
  options: { context: (scope: RequestScope) => Promise<Context>; timeoutMs: number; maxTokens: number },
): express.RequestHandler {
  return async (req, res) => {
    const scope = scopeOf(res);
    const query: unknown = req.method === 'GET' ? req.query['query'] : (req.body as { query?: unknown } | undefined)?.query;
    const tooDeep = typeof query === 'string' ? nestingError(query, options.maxTokens) : null;
    if (tooDeep) {
      sendRequestError(req, res, 400, ErrorCode.QUERY_TOO_COMPLEX, tooDeep.message, { limit: 'depth', max: tooDeep.extensions['max'] });
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const queryStart = req.originalUrl.indexOf('?');
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: req.method.toUpperCase(),
      headers,
      search: queryStart >= 0 ? req.originalUrl.slice(queryStart) : '',
      // Express 5 leaves the body undefined when no parser took it (not JSON); Apollo answers 400 then.
      body: req.body,
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
