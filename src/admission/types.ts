import { GraphQLError, type DocumentNode } from 'graphql';
import type { PresentedCredentials } from '../auth/authenticate';
import type { Principal } from '../auth/credentials';
import type { ErrorCode } from '../errors';

/** What a transport knows of who is calling, before anything is decided. */
export interface Caller {
  /** The credential presented: HTTP headers, or graphql-ws connection parameters. */
  credentials: PresentedCredentials;
  /** The peer's address: anonymous callers are counted by it. */
  address: string;
  /** The Host the request was addressed to, if it named one. */
  host?: string;
  /** Whether the request says it came through a proxy (`Forwarded`, `X-Forwarded-For`). */
  forwarded: boolean;
}

/** A caller who was let in: who it is, and the key its rate and its caps count under. */
export interface Identity {
  principal: Principal;
  key: string;
}

/**
 * One GraphQL operation as a client sent it: its text (`query`), or the id of a trusted document
 * (`documentId`, or Apollo's `extensions.persistedQuery.sha256Hash`), with its operation name and variables.
 */
export interface OperationRequest {
  query?: string | null;
  documentId?: unknown;
  extensions?: unknown;
  operationName?: string | null;
  variables?: Readonly<Record<string, unknown>> | null;
}

/** A document fit to execute: parsed, valid, within the limits for the request's variables. */
export interface AdmittedDocument {
  document: DocumentNode;
  /** Its text: what the client sent, or the trusted document's own. */
  source: string;
  /** Whether it is a trusted document (named by id or hash, or sent with its exact text). */
  trusted: boolean;
}

/** Why a caller or an operation was turned away: what the client is told, and the code that decides how. */
export interface Refusal {
  /** The code of every error here; a transport maps it to an HTTP status, an `error` message or a close code. */
  code: ErrorCode;
  /** What the client receives; parse and validation errors keep their locations. */
  errors: readonly GraphQLError[];
  /** TOO_MANY_REQUESTS from the rate limit: when to try again. */
  retryAfterSec?: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export function refusal(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): Refusal {
  return { code, errors: [new GraphQLError(message, { extensions: { code, ...extensions } })] };
}

export const refused = <T>(r: Refusal): Outcome<T> => ({ ok: false, refusal: r });
