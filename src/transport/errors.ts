import type express from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { withoutSuggestions } from '../admission/documents';
import { ErrorCode, isRequestAbandoned } from '../errors';
import type { Logger } from '../logger';
import { httpRejections } from '../observability/metrics';
import { currentRequestScope, scopeOf } from './requestScope';

/** Codes whose messages are written for clients; anything else is masked. */
const CLIENT_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR));

/**
 * Unknown errors become INTERNAL_SERVER_ERROR with a generic message; the original is logged
 * with the request id, which the client also receives (in `extensions.requestId` and the
 * X-Request-Id header) to quote when reporting it. Without an explicit id or logger, the current
 * request's are used.
 */
export function maskError(
  formatted: GraphQLFormattedError,
  original: unknown,
  fallbackLogger: Logger,
  options: { requestId?: string; hideSuggestions?: boolean } = {},
): GraphQLFormattedError {
  const scope = currentRequestScope();
  const id = options.requestId ?? scope?.requestId;
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
    // Variable coercion ("… Did you mean the enum value …?") names the schema as validation does.
    const message = options.hideSuggestions ? withoutSuggestions(formatted.message) : formatted.message;
    return { ...formatted, message, extensions };
  }
  const logger = scope?.logger ?? fallbackLogger;
  // Work the gateway stopped because nobody waits for the answer any more is no fault: nobody reads this error.
  if (isRequestAbandoned(original)) logger.debug({ requestId: id, path: formatted.path, reason: (original as Error).message }, 'request abandoned');
  else logger.error({ err: original, requestId: id, path: formatted.path }, 'internal error while resolving a request');
  return {
    message: 'Internal server error',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...(id ? { requestId: id } : {}) },
  };
}

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

/**
 * Answers a request refused before GraphQL ran (401, 413, 429…) in the GraphQL response shape:
 * `{ errors: [{ message, extensions: { code } }] }` and no `data`, in the media type the client accepts.
 */
export function sendRequestError(
  req: express.Request,
  res: express.Response,
  status: number,
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  sendErrors(req, res, status, [{ message, extensions: { code, ...extensions } }]);
}

/** As sendRequestError, with several errors (a document's validation errors, with their locations). */
export function sendErrors(req: express.Request, res: express.Response, status: number, errors: readonly GraphQLFormattedError[]): void {
  const type = req.accepts(['application/json', GRAPHQL_RESPONSE]) === GRAPHQL_RESPONSE ? GRAPHQL_RESPONSE : 'application/json';
  res
    .status(status)
    .type(`${type}; charset=utf-8`)
    .send(JSON.stringify({ errors }));
}

interface BodyParserError extends Error {
  status?: number;
  type?: string;
  limit?: number;
}

/**
 * The last handler of /graphql: body-parser's refusals become clear 4xx answers, anything else a
 * masked 500 whose details are logged with the request id.
 */
export function graphqlErrorHandler(fallbackLogger: Logger): express.ErrorRequestHandler {
  return (error: BodyParserError, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const scope = scopeOf(res) as ReturnType<typeof scopeOf> | undefined;
    const requestId = scope?.requestId;
    if (error.type === 'entity.too.large') {
      httpRejections.inc({ reason: 'payload_too_large' });
      sendRequestError(req, res, 413, ErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than the limit of ${error.limit ?? '?'} bytes.`, {
        limit: error.limit,
      });
      return;
    }
    if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
      httpRejections.inc({ reason: 'bad_request' });
      const message =
        error.type === 'entity.parse.failed' ? 'The request body is not valid JSON (a JSON object or array is expected).' : error.message;
      sendRequestError(req, res, error.status, ErrorCode.BAD_REQUEST, message);
      return;
    }
    (scope?.logger ?? fallbackLogger).error({ err: error, requestId }, 'internal error while handling a request');
    sendRequestError(req, res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error', requestId ? { requestId } : {});
  };
}
