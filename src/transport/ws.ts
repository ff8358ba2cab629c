import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { credentialsFromConnectionParams, credentialsFromHeaders, type Authenticator } from '../auth/authenticate';
import type { Principal } from '../auth/credentials';
import type { Config } from '../config';
import { createContext, type ContextDeps } from '../context';
import { ErrorCode } from '../errors';
import { checkDocumentLimits, graphqlValidationRules, nestingError } from '../limits/document';
import type { CredentialRateLimiter } from '../limits/rateLimit';
import type { DocumentRequest, TrustedDocuments } from '../limits/trustedDocuments';
import type { Logger } from '../logger';
import { webSocketConnections } from '../observability/metrics';
import { maskError } from './errors';
import { addressedToLoopback, originAllowed } from './guards';

/**
 * Close codes this transport uses besides graphql-ws's own. 4429 is the number graphql-ws gives
 * "too many initialisation requests"; here it also means the credential's request rate is spent.
 */
export const WsCloseCode = {
  Unauthorized: CloseCode.Unauthorized,
  Forbidden: CloseCode.Forbidden,
  TooManyRequests: 4429,
} as const;

export interface WsTransportOptions {
  schema: GraphQLSchema;
  httpServer: Server;
  deps: ContextDeps;
  logger: Logger;
  config: Pick<Config, 'queryLimits' | 'graphql' | 'limits' | 'auth'>;
  authenticator: Authenticator;
  rateLimiter: CredentialRateLimiter;
  trustedDocuments: TrustedDocuments;
}

type ConnectionState = {
  principal?: Principal;
  connectionId?: string;
};

const withCode = (errors: readonly GraphQLError[], code: ErrorCode) =>
  errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { ...e.extensions, code } }));

/**
 * Subscriptions over graphql-ws, on the same HTTP server and path as queries, held to the same
 * rules as HTTP: credentials in `connectionParams` (close 4401 without valid ones), the request
 * rate per credential on each subscribe (close 4429), the token, depth and cost limits, and masked
 * internal errors.
 */
export function createWsTransport(options: WsTransportOptions) {
  const { schema, deps, logger, config, authenticator, rateLimiter, trustedDocuments } = options;
  const wsServer = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    maxPayload: config.queryLimits.maxBodyBytes,
    verifyClient: ({ req }, accept) => {
      const allowed = originAllowed(req, config.auth.allowedOrigins) && (authenticator.required || addressedToLoopback(req));
      if (allowed) accept(true);
      else accept(false, 403, 'Forbidden');
    },
  });
  wsServer.on('connection', (socket) => {
    webSocketConnections.inc();
    socket.once('close', () => webSocketConnections.dec());
  });
  const rules = graphqlValidationRules(config.graphql);

  const handle = useServer<Record<string, unknown> | undefined, ConnectionState>(
    {
      schema,
      onConnect: async (ctx) => {
        const params = credentialsFromConnectionParams(ctx.connectionParams);
        const presented = params.authorization !== undefined || params.apiKey !== undefined ? params : credentialsFromHeaders(ctx.extra.request.headers);
        const outcome = await authenticator.authenticate(presented);
        if (!outcome.ok) {
          logger.info({ reason: outcome.message }, 'WebSocket connection refused');
          const code = outcome.code === ErrorCode.UNAUTHENTICATED ? WsCloseCode.Unauthorized : WsCloseCode.Forbidden;
          ctx.extra.socket.close(code, outcome.code === ErrorCode.UNAUTHENTICATED ? 'Unauthorized' : 'Forbidden');
          return false;
        }
        ctx.extra.principal = outcome.principal;
        ctx.extra.connectionId = randomUUID();
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const principal = ctx.extra.principal;
        if (!principal) {
          ctx.extra.socket.close(WsCloseCode.Unauthorized, 'Unauthorized');
          return [new GraphQLError('Unauthorized', { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
        }
        const key = principal.kind === 'anonymous' ? `anonymous:${ctx.extra.request.socket.remoteAddress ?? ''}` : principal.id;
        const decision = await rateLimiter.take(key, principal.role);
        if (!decision.allowed) {
          ctx.extra.socket.close(WsCloseCode.TooManyRequests, 'Too many requests');
          return [new GraphQLError('Too many requests', { extensions: { code: ErrorCode.TOO_MANY_REQUESTS } })];
        }
        // The same rule as HTTP: a trusted document (by documentId, hash or exact text) was parsed and validated
        // at start; with TRUSTED_DOCUMENTS=required nothing else runs.
        const resolution = trustedDocuments.resolve(payload as DocumentRequest);
        if (!resolution.ok) return [resolution.error];
        let document: DocumentNode;
        if (resolution.trusted) {
          document = resolution.trusted.document;
        } else {
          const tooDeep = nestingError(payload.query, config.queryLimits.maxTokens);
          if (tooDeep) return [tooDeep];
          try {
            document = parse(payload.query, { maxTokens: config.queryLimits.maxTokens });
          } catch (error) {
            return withCode([error instanceof GraphQLError ? error : new GraphQLError('Syntax error')], ErrorCode.GRAPHQL_PARSE_FAILED);
          }
          const invalid = validate(schema, document, rules);
          if (invalid.length > 0) return withCode(invalid, ErrorCode.GRAPHQL_VALIDATION_FAILED);
        }
        const tooComplex = checkDocumentLimits(
          schema,
          document,
          { ...config.queryLimits, argumentBounds: config.limits },
          { operationName: payload.operationName ?? null, variables: payload.variables ?? null },
        );
        if (tooComplex) return [tooComplex];
        const requestId = randomUUID();
        return {
          schema,
          document,
          ...(payload.operationName ? { operationName: payload.operationName } : {}),
          ...(payload.variables ? { variableValues: payload.variables } : {}),
          contextValue: createContext(deps, requestId, principal),
        };
      },
      onNext: (ctx, _id, _payload, _args, result) => {
        if (!result.errors) return undefined;
        return { ...result, errors: result.errors.map((e) => maskError(e.toJSON(), e, logger.child({ connectionId: ctx.extra.connectionId }))) };
      },
      onError: (ctx, _id, _payload, errors): GraphQLFormattedError[] =>
        errors.map((e) => maskError(e.toJSON(), e, logger.child({ connectionId: ctx.extra.connectionId }))),
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
