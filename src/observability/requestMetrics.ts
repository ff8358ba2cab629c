import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import { graphqlRequestDuration, operationLabel } from './metrics';

/** Times every GraphQL request Apollo Server handles, by operation name, type and outcome. */
export function requestMetricsPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, operation, response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          graphqlRequestDuration.observe(
            {
              operation: operationLabel(operationName),
              type: operation?.operation ?? 'unknown',
              outcome: errors && errors.length > 0 ? 'error' : 'ok',
            },
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
}
