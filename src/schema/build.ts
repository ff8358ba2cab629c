import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap } from 'type-graphql';
import { InProcessActivityBus, type ActivityBus } from '../activity/bus';
import { authChecker } from '../auth/roles';
import { activityPubSub } from '../activity/pubsub';
import type { Context } from '../context';
import { ActivityResolver } from '../resolvers/activity.resolver';
import { ActivityEventResolver } from '../resolvers/activityEvent.resolver';
import { CustomerResolver, loadCustomer } from '../resolvers/customer.resolver';

const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])`;

/** The contract schema (SPEC.md) as type-graphql builds it from the decorated classes. */
export async function buildContractSchema(bus: ActivityBus = new InProcessActivityBus()): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [CustomerResolver, ActivityResolver, ActivityEventResolver],
    pubSub: activityPubSub(bus),
    // Fields marked @Authorized(Permission…) fail alone with FORBIDDEN when the caller's role lacks it.
    authChecker,
    // The @key directive is only known to the subgraph built below.
    skipCheck: true,
    validate: false,
  });
}

/** The SDL committed as schema.graphql and checked to be current by the tests. */
export async function printContractSchema(): Promise<string> {
  return `${printSchemaWithDirectives(await buildContractSchema())}\n`;
}

/**
 * The schema the gateway serves: the contract as an Apollo Federation subgraph, with `_service`
 * and `_entities`; `_entities` resolves customers through the same loaders as `customer`.
 */
export async function buildGatewaySchema(bus: ActivityBus): Promise<GraphQLSchema> {
  const contract = await buildContractSchema(bus);
  const resolvers = createResolversMap(contract) as Record<string, Record<string, unknown>>;
  resolvers['Customer'] = {
    ...resolvers['Customer'],
    __resolveReference: (ref: { id: string }, ctx: Context, info: GraphQLResolveInfo) => loadCustomer(ctx, ref.id, info),
  };
  return buildSubgraphSchema({
    typeDefs: parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(contract)}`),
    resolvers: resolvers as never,
  });
}
