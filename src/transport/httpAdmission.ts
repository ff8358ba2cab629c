import type express from 'express';
import type { Admission, OperationRequest, Refusal } from '../admission/admission';
import { ErrorCode } from '../errors';
import { httpRejections } from '../observability/metrics';
import { callerOf } from './caller';
import { sendErrors } from './errors';
import { scopeOf } from './requestScope';

/** The HTTP answer to each refusal admission makes. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.TOO_MANY_REQUESTS]: 429,
  [ErrorCode.GRAPHQL_PARSE_FAILED]: 400,
  [ErrorCode.GRAPHQL_VALIDATION_FAILED]: 400,
  [ErrorCode.QUERY_TOO_COMPLEX]: 400,
  [ErrorCode.OPERATION_RESOLUTION_FAILURE]: 400,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.UNTRUSTED_DOCUMENT]: 400,
};

/** The `reason` label of customer360_http_rejections_total. */
const REASON: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.UNAUTHENTICATED]: 'unauthenticated',
  [ErrorCode.FORBIDDEN]: 'forbidden',
  [ErrorCode.TOO_MANY_REQUESTS]: 'rate_limited',
  [ErrorCode.GRAPHQL_PARSE_FAILED]: 'parse_failed',
  [ErrorCode.GRAPHQL_VALIDATION_FAILED]: 'validation_failed',
  [ErrorCode.QUERY_TOO_COMPLEX]: 'too_complex',
  [ErrorCode.OPERATION_RESOLUTION_FAILURE]: 'bad_request',
  [ErrorCode.BAD_USER_INPUT]: 'bad_user_input',
  [ErrorCode.UNTRUSTED_DOCUMENT]: 'untrusted_document',
};

function sendRefusal(req: express.Request, res: express.Response, refusal: Refusal): void {
  httpRejections.inc({ reason: REASON[refusal.code] ?? 'bad_request' });
  if (refusal.code === ErrorCode.UNAUTHENTICATED) res.setHeader('www-authenticate', 'Bearer realm="customer360", ApiKey realm="customer360"');
  if (refusal.retryAfterSec !== undefined) res.setHeader('retry-after', String(refusal.retryAfterSec));
  sendErrors(req, res, STATUS[refusal.code] ?? 400, refusal.errors.map((e) => e.toJSON()));
}

/** Who is calling, from the headers alone: refused (401, 403) before the body is read. */
export function identifyRequests(admission: Admission): express.RequestHandler {
  return async (req, res, next) => {
    const outcome = await admission.identify(callerOf(req));
    if (!outcome.ok) {
      sendRefusal(req, res, outcome.refusal);
      return;
    }
    const scope = scopeOf(res);
    scope.identity = outcome.value;
    next();
  };
}

/**
 * The request's operation, admitted (its rate, then its document) or refused (429, 400) before Apollo
 * Server sees it. A request that is not a GraphQL request still counts against the rate; Apollo refuses it.
 */
export function admitRequests(admission: Admission): express.RequestHandler {
  return async (req, res, next) => {
    const scope = scopeOf(res);
    // identifyRequests runs first; reaching here without an identity is a wiring fault, never anonymous access.
    if (!scope.identity) throw new Error('A GraphQL request reached admission without an identity.');
    const outcome = await admission.admit(scope.identity, operationOf(req));
    if (!outcome.ok) {
      sendRefusal(req, res, outcome.refusal);
      return;
    }
    // Null: the request names no document (no text, no trusted id); Apollo answers it without parsing anything.
    if (outcome.value) scope.admitted = outcome.value;
    next();
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

/**
 * The operation in a request, read exactly as Apollo Server reads it (runHttpQuery): a POST's JSON body,
 * or a GET's search parameters, each given once, with a trusted document's `documentId` (GraphQL over
 * HTTP's persisted documents) beside them. Null for anything Apollo refuses before looking at a document
 * (a query, variables, extensions or operation name of the wrong type, a batch, another method): Apollo
 * answers those with its own 400, 405 or 415. An empty query counts as none, as Apollo reads it.
 */
export function operationOf(req: express.Request): OperationRequest | null {
  if (req.method === 'POST') {
    const body: unknown = req.body;
    if (!isRecord(body)) return null;
    const { query, operationName, variables, extensions, documentId } = body;
    if (query !== undefined && query !== null && typeof query !== 'string') return null;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
    if (variables !== undefined && variables !== null && !isRecord(variables)) return null;
    if (extensions !== undefined && extensions !== null && !isRecord(extensions)) return null;
    return { query: query || null, operationName: operationName ?? null, variables: variables ?? null, extensions, documentId };
  }
  if (req.method === 'GET') {
    const start = req.originalUrl.indexOf('?');
    const params = new URLSearchParams(start >= 0 ? req.originalUrl.slice(start) : '');
    for (const name of ['query', 'documentId', 'operationName', 'variables', 'extensions']) if (params.getAll(name).length > 1) return null;
    const variables = jsonRecord(params.get('variables'));
    const extensions = jsonRecord(params.get('extensions'));
    if (variables === undefined || extensions === undefined) return null;
    return { query: params.get('query') || null, operationName: params.get('operationName'), variables, extensions, documentId: params.get('documentId') ?? undefined };
  }
  return null;
}

/** A JSON-encoded object parameter: null when absent, undefined when it is not one. */
function jsonRecord(text: string | null): Record<string, unknown> | null | undefined {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
