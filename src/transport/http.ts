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
import type { Admission } from '../admission/admission';
import type { Config } from '../config';
import { createContext, type Context, type ContextDeps } from '../context';
import type { Logger } from '../logger';
import type { Readiness } from '../observability/readiness';
import { requestMetricsPlugin } from '../observability/requestMetrics';
import { AdmittedDocumentStore } from './apolloDocuments';
import { graphqlErrorHandler, maskError } from './errors';
import { serveGraphQL } from './graphqlRequests';
import { crossOriginRequests } from './guards';
import { admitRequests, identifyRequests } from './httpAdmission';
import { operationsRoutes } from './operations';
import { assignRequestScope } from './requestScope';

export interface HttpTransportOptions {
  schema: GraphQLSchema;
  httpServer: Server;
  deps: ContextDeps;
  logger: Logger;
  config: Pick<Config, 'queryLimits' | 'graphql' | 'operations' | 'auth' | 'metrics'>;
  /** Who may call, at what rate, with which documents: the same admission as the WebSocket transport's. */
  admission: Admission;
  readiness: Readiness;
  /** Extra routes (console…) mounted before /graphql. */
  routes?: (app: express.Express) => void;
  /** Called when the server drains; the WebSocket transport closes its clients here. */
  onDrain?: () => Promise<void>;
}

/**
 * Queries over HTTP at /graphql: admission (src/admission) decides who may call and with which documents;
 * Apollo Server on Express speaks GraphQL over HTTP and executes what admission let in.
 */
export async function createHttpTransport(options: HttpTransportOptions): Promise<{ app: express.Express; apollo: ApolloServer<Context> }> {
  const { schema, httpServer, deps, logger, config, admission } = options;
  const limits = config.queryLimits;
  const hideSuggestions = !config.graphql.introspection;
  const documents = new AdmittedDocumentStore();
  const apollo = new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    // Refuses GET and POST requests a page could send cross-origin without a preflight (simple requests):
    // CORS (crossOriginRequests) then decides which pages may send the others. It is Apollo's default; kept explicit.
    csrfPrevention: true,
    // Parsing, validation (introspection included), trusted documents and the document limits are admission's:
    // Apollo finds each request's document, already valid, in this store. A request it would parse itself is refused.
    documentStore: documents.store,
    // A hash alone carries no text to admit (a trusted document's hash is resolved by admission); clients fall
    // back to sending the query.
    persistedQueries: false,
    // Shutdown is ordered by gateway.close() (and main.ts's signal handlers), not by Apollo on its own.
    stopOnTerminationSignals: false,
    // Apollo's own messages (a document it could not cache…) go to the gateway's log, not the console.
    logger: logger.child({ component: 'apollo' }),
    formatError: (formatted, original) => maskError(formatted, original, logger, { hideSuggestions }),
    plugins: [
      documents.plugin,
      // Stops accepting connections, lets requests in flight finish (up to the grace period), then closes the rest.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.operations.shutdownGraceMs }),
      requestMetricsPlugin(),
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
    identifyRequests(admission),
    express.json({ limit: limits.maxBodyBytes }),
    admitRequests(admission),
    serveGraphQL(apollo, {
      documents,
      timeoutMs: limits.timeoutMs,
      context: async (scope, signal) => {
        // identifyRequests sets the principal; reaching here without one is a wiring fault, never anonymous access.
        if (!scope.identity) throw new Error('A GraphQL request reached execution without authentication.');
        return createContext(deps, scope.requestId, scope.identity.principal, signal);
      },
    }),
    graphqlErrorHandler(logger),
  );
  return { app, apollo };
}
