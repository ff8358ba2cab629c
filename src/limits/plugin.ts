import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Context } from '../context';
import { documentLimitsChecker, type DocumentLimits } from './document';

/**
 * Refuses, after validation and before execution, documents over the depth, alias, directive or
 * cost limits: 400 with QUERY_TOO_COMPLEX. (The token limit applies earlier, in the parser.)
 */
export function queryLimitsPlugin(schema: GraphQLSchema, limits: DocumentLimits): ApolloServerPlugin<Context> {
  const check = documentLimitsChecker(schema, limits);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request }) {
          const error = check(document, { operationName, variables: request.variables ?? null });
          if (error) throw error;
        },
      };
    },
  };
}
