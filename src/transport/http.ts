import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { createContext, type Context, type ContextDeps } from '../context';
import type { Logger } from '../logger';
import { maskError } from './errors';

export interface HttpTransportOptions {
  schema: GraphQLSchema;
  httpServer: Server;
  deps: ContextDeps;
  logger: Logger;
  /** Extra routes (health, console…) mounted before /graphql. */
  routes?: (app: express.Express) => void;
  /** Called when the server drains; the WebSocket transport closes its clients here. */
  onDrain?: () => Promise<void>;
}

/** Queries and mutations over HTTP at /graphql: Apollo Server on Express. */
export async function createHttpTransport(options: HttpTransportOptions): Promise<{ app: express.Express; apollo: ApolloServer<Context> }> {
  const { schema, httpServer, deps, logger } = options;
  const apollo = new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, original) => maskError(formatted, original, logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Federated tracing is for Apollo's hosted graph reporting, which this gateway does not use.
      ApolloServerPluginInlineTraceDisabled(),
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
  options.routes?.(app);
  app.use(
    '/graphql',
    express.json({ limit: '100kb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = req.get('x-request-id') ?? randomUUID();
        res.setHeader('x-request-id', requestId);
        return createContext(deps, requestId);
      },
    }),
  );
  return { app, apollo };
}
