import type { GraphQLSchema } from 'graphql';
import type { Authenticator } from '../auth/authenticate';
import type { Principal } from '../auth/credentials';
import { ErrorCode } from '../errors';
import { CredentialCaps } from '../limits/caps';
import type { CredentialRateLimiter } from '../limits/rateLimit';
import type { TrustedDocuments } from '../limits/trustedDocuments';
import { isLoopbackHost } from '../loopback';
import { DocumentAdmission, type DocumentRules } from './documents';
import { refusal, refused, type AdmittedDocument, type Caller, type Identity, type OperationRequest, type Outcome, type Refusal } from './types';

export type { AdmittedDocument, Caller, Identity, OperationRequest, Outcome, Refusal } from './types';

export interface AdmissionOptions {
  schema: GraphQLSchema;
  authenticator: Authenticator;
  rateLimiter: CredentialRateLimiter;
  /** Parsing, validation and the document limits (src/admission/documents.ts). */
  documents: DocumentRules;
  /** The documents run by id, parsed and validated at start; with TRUSTED_DOCUMENTS=required, the only ones. */
  trustedDocuments: TrustedDocuments;
  /** Most WebSocket connections, and operations open on them, per credential at once; 0 = no cap. */
  caps: { connections: number; operations: number };
}

/**
 * The one way in, for every transport: who may call (open-mode rules, then the credential), at what rate,
 * and with which documents (trusted documents, bracket nesting, parsing, validation with introspection as
 * configured, the operation and its variables, depth, aliases, directives, cost). It knows no transport: HTTP (src/transport/httpAdmission.ts) and
 * graphql-ws (src/transport/ws.ts) each adapt a request to a `Caller` and an `OperationRequest`, and a
 * `Refusal` to their own answer (a status, an `error` message or a close code). Documents it admits come
 * out parsed and validated, so no transport parses or validates again.
 */
export class Admission {
  private readonly documents: DocumentAdmission;
  private readonly connections: CredentialCaps;
  private readonly operations: CredentialCaps;

  constructor(private readonly options: AdmissionOptions) {
    this.documents = new DocumentAdmission(options.schema, options.documents, options.trustedDocuments);
    this.connections = new CredentialCaps(options.caps.connections);
    this.operations = new CredentialCaps(options.caps.operations);
  }

  /**
   * While authentication is off, only direct requests addressed to a loopback name: a web page cannot
   * reach the gateway by rebinding its own domain to 127.0.0.1, and a reverse proxy on the same machine
   * cannot expose it (its requests carry `Forwarded` or `X-Forwarded-For`). Null when the caller may go on.
   */
  reachable(caller: Pick<Caller, 'host' | 'forwarded'>): Refusal | null {
    if (this.options.authenticator.required) return null;
    if (caller.forwarded) {
      return refusal(
        ErrorCode.FORBIDDEN,
        'Without authentication the gateway answers only direct requests, and this one came through a proxy (Forwarded / X-Forwarded-For). Configure AUTH_API_KEYS, AUTH_JWT_SECRET or AUTH_JWKS_URL to serve through one.',
      );
    }
    if (caller.host !== undefined && !isLoopbackHost(hostName(caller.host))) {
      return refusal(ErrorCode.FORBIDDEN, 'Without authentication the gateway answers only requests addressed to localhost.');
    }
    return null;
  }

  /** Who is calling: UNAUTHENTICATED without a valid credential, FORBIDDEN for one without a known role. */
  async identify(caller: Caller): Promise<Outcome<Identity>> {
    const unreachable = this.reachable(caller);
    if (unreachable) return refused(unreachable);
    const outcome = await this.options.authenticator.authenticate(caller.credentials);
    if (!outcome.ok) return refused(refusal(outcome.code, outcome.message));
    const { principal } = outcome;
    return { ok: true, value: { principal, key: principal.kind === 'anonymous' ? `anonymous:${caller.address}` : principal.id } };
  }

  /**
   * One operation of an identified caller: one point of its rate, then its document. `request` is null
   * when the transport got something that is not a GraphQL request (the transport refuses it itself, and
   * it still counts against the rate). Resolves to the document fit to execute, or null when the request
   * names no document (no text and no trusted id: the transport answers that as it always has).
   */
  async admit(identity: Identity, request: OperationRequest | null): Promise<Outcome<AdmittedDocument | null>> {
    const rate = await this.options.rateLimiter.take(identity.key, identity.principal.role);
    if (!rate.allowed) {
      const r = refusal(ErrorCode.TOO_MANY_REQUESTS, `Too many requests for this credential; retry in ${rate.retryAfterSec} s.`, {
        retryAfterSec: rate.retryAfterSec,
      });
      return refused({ ...r, retryAfterSec: rate.retryAfterSec });
    }
    if (request === null) return { ok: true, value: null };
    return this.documents.admit(request);
  }

  /**
   * A long-lived connection (a WebSocket) of an identified caller, within the credential's cap on
   * connections. `onExpired` is called when the credential expires (a JWT's `exp`), to close it.
   */
  connect(caller: Caller, identity: Identity, onExpired: () => void): Outcome<AdmittedConnection> {
    const release = this.connections.acquire(identity.key);
    if (!release) {
      const max = this.connections.max;
      return refused(
        refusal(ErrorCode.TOO_MANY_REQUESTS, `This credential already holds ${max} WebSocket connections, the most allowed (WS_MAX_CONNECTIONS_PER_CREDENTIAL).`, {
          limit: 'connections',
          max,
        }),
      );
    }
    return { ok: true, value: new AdmittedConnection(this, this.operations, caller, identity, release, onExpired) };
  }
}

/** `Host` without its port: `[::1]:4000` → `[::1]`, `localhost:4000` → `localhost`. */
function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
}

/** setTimeout takes at most this many milliseconds (about 24.8 days); a later expiry is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One admitted long-lived connection: its credential is checked again for every operation (and the
 * connection is told when it expires), and its open operations count against the credential's cap.
 */
export class AdmittedConnection {
  /** Each open operation: its place among the credential's, and the signal that stops its work when it ends. */
  private readonly open = new Map<string, { release: () => void; ended: AbortController }>();
  private expiry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly admission: Admission,
    private readonly operations: CredentialCaps,
    private readonly caller: Caller,
    private identity: Identity,
    private readonly releaseConnection: () => void,
    private readonly onExpired: () => void,
  ) {
    this.watchExpiry();
  }

  get principal(): Principal {
    return this.identity.principal;
  }

  /**
   * Admits one operation on this connection: the credential again (it may have expired since the
   * connection opened), the cap on open operations, then the rate and the document as for any request.
   * A refusal with UNAUTHENTICATED or FORBIDDEN means the connection itself may not go on. The signal
   * aborts when the operation ends (`done`) or the connection closes.
   */
  async admit(operationId: string, request: OperationRequest): Promise<Outcome<AdmittedDocument & { signal: AbortSignal }>> {
    const again = await this.admission.identify(this.caller);
    if (!again.ok) return again;
    this.identity = again.value;
    const release = this.operations.acquire(this.identity.key);
    if (!release) {
      const max = this.operations.max;
      return refused(
        refusal(
          ErrorCode.TOO_MANY_REQUESTS,
          `This credential already has ${max} operations open over WebSocket, the most allowed (WS_MAX_SUBSCRIPTIONS_PER_CREDENTIAL); complete one first.`,
          { limit: 'subscriptions', max },
        ),
      );
    }
    const admitted = await this.admission.admit(this.identity, request);
    if (!admitted.ok || admitted.value === null) {
      release();
      // graphql-ws always sends a text; only a payload with neither text nor document id names nothing.
      return admitted.ok ? refused(refusal(ErrorCode.BAD_REQUEST, 'The subscribe message names no document: send query or documentId.')) : admitted;
    }
    const ended = new AbortController();
    if (this.closed) {
      release();
      ended.abort();
    } else {
      this.done(operationId);
      this.open.set(operationId, { release, ended });
    }
    return { ok: true, value: { ...admitted.value, signal: ended.signal } };
  }

  /** The operation ended (completed, failed, or stopped by the client): it no longer counts. */
  done(operationId: string): void {
    const operation = this.open.get(operationId);
    if (!operation) return;
    this.open.delete(operationId);
    operation.release();
    operation.ended.abort();
  }

  /** Releases everything the connection holds; once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.expiry) clearTimeout(this.expiry);
    for (const id of [...this.open.keys()]) this.done(id);
    this.releaseConnection();
  }

  private watchExpiry(): void {
    const expiresAt = this.identity.principal.expiresAt;
    if (expiresAt === undefined || this.closed) return;
    const wait = expiresAt - Date.now();
    if (wait <= 0) {
      this.onExpired();
      return;
    }
    this.expiry = setTimeout(() => this.watchExpiry(), Math.min(wait, MAX_TIMER_MS));
    this.expiry.unref();
  }
}
