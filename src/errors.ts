import { GraphQLError } from 'graphql';

/**
 * Every error that reaches a client carries one of these as `extensions.code`. The GRAPHQL_* and
 * BAD_REQUEST codes are the ones Apollo Server sets for documents it cannot parse, validate or
 * accept; they are listed here so that clients find every code in one place.
 */
export enum ErrorCode {
  /** An argument is out of its documented range or shape (400 for variables, 200 with partial data otherwise). */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** No credentials, or credentials that are not valid (HTTP 401, WebSocket close 4401). */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The credential's role may not read this field; the rest of the response is still served. */
  FORBIDDEN = 'FORBIDDEN',
  /**
   * Over a limit of the credential: its request rate (HTTP 429 with Retry-After; on a WebSocket an `error`
   * for that operation), its WebSocket connections (close 4429) or its operations open on them (`error`).
   */
  TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS',
  /** The request body is larger than HTTP_MAX_BODY_BYTES (HTTP 413). */
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  /** The document is too deep, too costly, or has too many aliases or directives (HTTP 400). */
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  /** The request ran longer than QUERY_TIMEOUT_MS (HTTP 504). */
  TIMEOUT = 'TIMEOUT',
  /**
   * The document is not a trusted document while TRUSTED_DOCUMENTS=required, or the request names a document
   * id that no trusted document has (HTTP 400; on a WebSocket, an error for that subscription).
   */
  UNTRUSTED_DOCUMENT = 'UNTRUSTED_DOCUMENT',
  /** The HTTP request itself is malformed: not JSON, not a GraphQL request, batched (HTTP 400). */
  BAD_REQUEST = 'BAD_REQUEST',
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  OPERATION_RESOLUTION_FAILURE = 'OPERATION_RESOLUTION_FAILURE',
  PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED = 'PERSISTED_QUERY_NOT_SUPPORTED',
  /** The gateway is shutting down and takes no new work (HTTP 503). */
  SHUTTING_DOWN = 'SHUTTING_DOWN',
  /**
   * More ClickHouse work is waiting than LOADER_MAX_QUEUED_KEYS allows: the fields that needed it fail at
   * once (HTTP 200 with the fields' errors, `retryAfterSec`) instead of waiting past any timeout. Retry shortly.
   */
  OVERLOADED = 'OVERLOADED',
  /** Anything unexpected; the message is generic and the details are logged with the request id. */
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export function badUserInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, ...(argument ? { argument } : {}) },
  });
}

/** Rejects an integer argument outside [min, max] with a message that names it and the bound. */
export function assertIntInRange(argument: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badUserInput(`Argument "${argument}" must be an integer from ${min} to ${max}; got ${value}.`, argument);
  }
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

/** A limit that a document broke; `limit` names which one, with the bound and what was found. */
export function queryTooComplex(limit: 'depth' | 'cost' | 'aliases' | 'directives' | 'nodes', max: number, actual?: number): GraphQLError {
  const known = actual !== undefined && Number.isFinite(actual);
  const message = known ? `Query ${limit} of ${actual} exceeds the maximum of ${max}.` : `Query exceeds the maximum ${limit} of ${max}.`;
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit, max, ...(known ? { actual } : {}) },
  });
}

/** The shared batch queue is full (LOADER_MAX_QUEUED_KEYS): refused now rather than left to wait. */
export function overloaded(maxQueuedKeys: number): GraphQLError {
  return new GraphQLError(
    `The gateway is overloaded: more than ${maxQueuedKeys} profile lookups are waiting for ClickHouse. Retry shortly.`,
    { extensions: { code: ErrorCode.OVERLOADED, retryAfterSec: 1 } },
  );
}

/**
 * Why a request's work was stopped by the gateway itself: its client went away, or its time ran out (the
 * client has its 504 then). The work it stops is nobody's error any more; it is logged at debug level.
 */
export class RequestAbandoned extends Error {
  override readonly name = 'RequestAbandoned';
}

/** Whether `err`, or what it wraps (a GraphQLError's originalError, an error's cause), is a RequestAbandoned. */
export function isRequestAbandoned(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    if (e instanceof RequestAbandoned) return true;
    e = (e as { originalError?: unknown }).originalError ?? e.cause;
  }
  return false;
}
