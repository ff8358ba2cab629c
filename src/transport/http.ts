import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Authenticator } from '../auth/authenticate';
import type { Config } from '../config';
import { createContext, type Context, type ContextDeps } from '../context';
import { queryLimitsPlugin } from '../limits/plugin';
import { trustedDocumentStore, type TrustedDocuments } from '../limits/trustedDocuments';
import type { CredentialRateLimiter } from '../limits/rateLimit';
import type { Logger } from '../logger';
import type { Readiness } from '../observability/readiness';
import { requestMetricsPlugin } from '../observability/requestMetrics';
import { graphqlErrorHandler, maskError } from './errors';
import { serveGraphQL } from './graphqlRequests';
import { authenticateRequests, crossOriginRequests, limitRequestRate, loopbackHostOnly } from './guards';
import { operationsRoutes } from './operations';
import { assignRequestScope } from './requestScope';

export interface HttpTransportOptions {
  schema: GraphQLSchema;
  httpServer: Server;
  deps: ContextDeps;
  logger: Logger;
  config: Pick<Config, 'queryLimits' | 'graphql' | 'limits' | 'operations' | 'auth' | 'metrics'>;
  authenticator: Authenticator;
  rateLimiter: CredentialRateLimiter;
  trustedDocuments: TrustedDocuments;
  readiness: Readiness;
  /** Extra routes (console…) mounted before /graphql. */
  routes?: (app: express.Express) => void;
  /** Called when the server drains; the WebSocket transport closes its clients here. */
  onDrain?: () => Promise<void>;
}

/** Queries and mutations over HTTP at /graphql: Apollo Server on Express. */
export async function createHttpTransport(options: HttpTransportOptions): Promise<{ app: express.Express; apollo: ApolloServer<Context> }> {
  const { schema, httpServer, deps, logger, config } = options;
  const limits = config.queryLimits;
  const apollo = new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    // Refuses GET and POST requests a page could send cross-origin without a preflight (simple requests):
    // CORS (crossOriginRequests) then decides which pages may send the others. It is Apollo's default; kept explicit.
    csrfPrevention: true,
    introspection: config.graphql.introspection,
    // Shutdown is ordered by gateway.close() (and main.ts's signal handlers), not by Apollo on its own.
    stopOnTerminationSignals: false,
    // Apollo's own messages (a document it could not cache…) go to the gateway's log, not the console.
    logger: logger.child({ component: 'apollo' }),
    // The parser stops at this many tokens: a huge document costs no more than that to refuse.
    parseOptions: { maxTokens: limits.maxTokens },
    // Trusted documents are parsed and validated already; Apollo keeps other documents it has checked beside them.
    documentStore: trustedDocumentStore(options.trustedDocuments),
    formatError: (formatted, original) => maskError(formatted, original, logger),
    plugins: [
      // Stops accepting connections, lets requests in flight finish (up to the grace period), then closes the rest.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.operations.shutdownGraceMs }),
      requestMetricsPlugin(),
      queryLimitsPlugin(schema, { ...limits, argumentBounds: config.limits }),
      // Federated tracing is for Apollo's hosted graph reporting, which this gateway does not use.
      ApolloServerPluginInlineTraceDisabled(),
      // No resolver sets cache hints; the default cache-control plugin would wrap every field to collect them.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's landing page loads Sandbox from Apollo's CDN; the console serves GraphiQL at /graphiql instead.
      ApolloServerPluginLandingPageDisabled(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await options.onDrain?.();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.use(operationsRoutes(options.readiness, logger, config.metrics.token === undefined ? {} : { metricsToken: config.metrics.token }));
  options.routes?.(app);
  app.use(
    '/graphql',
    assignRequestScope(logger),
    ...crossOriginRequests(config.auth.allowedOrigins),
    ...(options.authenticator.required ? [] : [loopbackHostOnly()]),
    authenticateRequests(options.authenticator),
    limitRequestRate(options.rateLimiter),
    express.json({ limit: limits.maxBodyBytes }),
    serveGraphQL(apollo, {
      timeoutMs: limits.timeoutMs,
      maxTokens: limits.maxTokens,
      trusted: options.trustedDocuments,
      context: async (scope) => {
        // authenticateRequests sets the principal; reaching here without one is a wiring fault, never anonymous access.
        if (!scope.principal) throw new Error('A GraphQL request reached execution without authentication.');
        return createContext(deps, scope.requestId, scope.principal);
      },
    }),
    graphqlErrorHandler(logger),
  );
  return { app, apollo };
}
