import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { ExecutionArgs, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Admission, AdmittedConnection, Refusal } from '../admission/admission';
import { credentialsFromConnectionParams } from '../auth/authenticate';
import type { Config } from '../config';
import type { SharedSubscriptions } from '../live/shared.subscriptions';
import { createContext, type ContextDeps } from '../context';
import { ErrorCode } from '../errors';
import type { Logger } from '../logger';
import { webSocketConnections } from '../observability/metrics';
import { callerOf } from './caller';
import { maskError } from './errors';
import { originAllowed } from './guards';

/**
 * Close codes this transport uses besides graphql-ws's own. 4429 is the number graphql-ws gives
 * "too many initialisation requests"; here it also means the credential holds its most connections.
 */
export const WsCloseCode = {
  Unauthorized: CloseCode.Unauthorized,
  Forbidden: CloseCode.Forbidden,
  TooManyConnections: 4429,
} as const;

export interface WsTransportOptions {
  schema: GraphQLSchema;
  httpServer: Server;
  deps: ContextDeps;
  logger: Logger;
  config: Pick<Config, 'queryLimits' | 'graphql' | 'auth'>;
  /** Who may call, at what rate, with which documents: the same admission as the HTTP transport's. */
  admission: Admission;
  /** Runs identical live subscriptions once for all their clients (src/live/shared.subscriptions.ts). */
  shared?: SharedSubscriptions;
}

type ConnectionState = {
  connection?: AdmittedConnection;
  connectionId?: string;
};

/** The close that ends a connection whose credential admission no longer accepts. */
function closeFor(refusal: Refusal): [number, string] {
  if (refusal.code === ErrorCode.FORBIDDEN) return [WsCloseCode.Forbidden, 'Forbidden'];
  if (refusal.code === ErrorCode.TOO_MANY_REQUESTS) return [WsCloseCode.TooManyConnections, 'Too many connections for this credential'];
  return [WsCloseCode.Unauthorized, 'Unauthorized'];
}

/**
 * Subscriptions (and queries) over graphql-ws, on the same HTTP server and path as queries: an adapter
 * from graphql-ws's hooks to admission. Connecting identifies the caller (close 4401/4403, or 4429 past the
 * credential's connections) and closes the socket with 4401 when its credential expires; every subscribe
 * checks the credential again, then takes its place among the credential's open operations, its rate and
 * its document checks, and a refusal there is an `error` for that operation alone.
 */
export function createWsTransport(options: WsTransportOptions) {
  const { schema, deps, logger, config, admission, shared } = options;
  const hideSuggestions = !config.graphql.introspection;
  const wsServer = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    maxPayload: config.queryLimits.maxBodyBytes,
    verifyClient: ({ req }, accept) => {
      if (originAllowed(req, config.auth.allowedOrigins) && admission.reachable(callerOf(req)) === null) accept(true);
      else accept(false, 403, 'Forbidden');
    },
  });
  wsServer.on('connection', (socket) => {
    webSocketConnections.inc();
    socket.once('close', () => webSocketConnections.dec());
  });

  const handle = useServer<Record<string, unknown> | undefined, ConnectionState>(
    {
      schema,
      ...(shared ? { subscribe: (args: ExecutionArgs) => shared.subscribe(args) } : {}),
      onConnect: async (ctx) => {
        const params = credentialsFromConnectionParams(ctx.connectionParams);
        const fromParams = params.authorization !== undefined || params.apiKey !== undefined;
        const caller = fromParams ? callerOf(ctx.extra.request, params) : callerOf(ctx.extra.request);
        const socket = ctx.extra.socket;
        const identity = await admission.identify(caller);
        const connection = identity.ok
          ? admission.connect(caller, identity.value, () => socket.close(WsCloseCode.Unauthorized, 'Credential expired'))
          : identity;
        if (!connection.ok) {
          logger.info({ reason: connection.refusal.errors[0]?.message }, 'WebSocket connection refused');
          socket.close(...closeFor(connection.refusal));
          return false;
        }
        ctx.extra.connection = connection.value;
        ctx.extra.connectionId = randomUUID();
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        // graphql-ws closes with 4401 on a subscribe before the connection is acknowledged.
        const connection = ctx.extra.connection;
        if (!connection) throw new Error('A subscribe reached admission on an unacknowledged connection.');
        // graphql-ws's payload, with a trusted document's `documentId` beside its text (the same fields as over HTTP).
        const { documentId } = payload as { documentId?: unknown };
        const outcome = await connection.admit(id, {
          query: payload.query,
          documentId,
          extensions: payload.extensions,
          operationName: payload.operationName ?? null,
          variables: payload.variables ?? null,
        });
        if (!outcome.ok) {
          const { refusal } = outcome;
          // The credential itself is no longer accepted (it expired): the connection ends, not only this operation.
          if (refusal.code === ErrorCode.UNAUTHENTICATED || refusal.code === ErrorCode.FORBIDDEN) ctx.extra.socket.close(...closeFor(refusal));
          return [...refusal.errors];
        }
        return {
          schema,
          document: outcome.value.document,
          ...(payload.operationName ? { operationName: payload.operationName } : {}),
          ...(payload.variables ? { variableValues: payload.variables } : {}),
          contextValue: createContext(deps, randomUUID(), connection.principal, outcome.value.signal),
        };
      },
      onComplete: (ctx, id) => {
        ctx.extra.connection?.done(id);
      },
      onClose: (ctx) => {
        ctx.extra.connection?.close();
      },
      onNext: (ctx, _id, _payload, _args, result) => {
        if (!result.errors) return undefined;
        const connectionLogger = logger.child({ connectionId: ctx.extra.connectionId });
        return { ...result, errors: result.errors.map((e) => maskError(e.toJSON(), e, connectionLogger, { hideSuggestions })) };
      },
      onError: (ctx, _id, _payload, errors): GraphQLFormattedError[] => {
        const connectionLogger = logger.child({ connectionId: ctx.extra.connectionId });
        return errors.map((e) => maskError(e.toJSON(), e, connectionLogger, { hideSuggestions }));
      },
    },
    wsServer,
  );
  let closing: Promise<void> | null = null;
  return {
    wsServer,
    /** Closes every connection (1001, going away: clients reconnect elsewhere) and the server; once. */
    close(): Promise<void> {
      closing ??= Promise.resolve(handle.dispose());
      return closing;
    },
  };
}
