import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { createContext, type ContextDeps } from '../context';
import type { Logger } from '../logger';

/** Subscriptions over graphql-ws, on the same HTTP server and path as queries. */
export function createWsTransport(options: { schema: GraphQLSchema; httpServer: Server; deps: ContextDeps; logger: Logger }) {
  const wsServer = new WebSocketServer({ server: options.httpServer, path: '/graphql' });
  const handle = useServer(
    {
      schema: options.schema,
      // A fresh context (and fresh loaders) for every operation.
      context: () => createContext(options.deps, randomUUID()),
      onError: (_ctx, _id, _payload, errors) => {
        options.logger.warn({ errors: errors.map((e) => e.message) }, 'subscription error');
      },
    },
    wsServer,
  );
  return {
    wsServer,
    async close(): Promise<void> {
      await handle.dispose();
    },
  };
}
