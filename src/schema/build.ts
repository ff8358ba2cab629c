import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { badUserInput } from '../errors';
import { buildSchema, createResolversMap } from 'type-graphql';
import { InProcessActivityBus, type ActivityBus } from '../activity/bus';
import { authChecker } from '../auth/roles';
import { activityPubSub } from '../activity/pubsub';
import type { Context } from '../context';
import { ActivityResolver } from '../resolvers/activity.resolver';
import { ActivityEventResolver } from '../resolvers/activityEvent.resolver';
import { CustomerResolver, loadCustomer } from '../resolvers/customer.resolver';
import { RejectedRecordResolver } from '../resolvers/rejected.resolver';
import { CustomerSegmentsResolver, SegmentResolver } from '../resolvers/segment.resolver';
import { PrivacyResolver } from '../resolvers/privacy.resolver';
import { ProfileResolver } from '../resolvers/profile.resolver';

const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])`;

/** The contract schema (SPEC.md) as type-graphql builds it from the decorated classes. */
export async function buildContractSchema(bus: ActivityBus = new InProcessActivityBus()): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [CustomerResolver, ActivityResolver, ActivityEventResolver, RejectedRecordResolver, CustomerSegmentsResolver, SegmentResolver, ProfileResolver, PrivacyResolver],
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
  const schema = buildSubgraphSchema({
    typeDefs: parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(contract)}`),
    resolvers: resolvers as never,
  });
  checkRepresentations(schema);
  return schema;
}

/** Why a federation representation cannot name a customer, or null. `_Any` lets a router send anything. */
function representationProblem(representation: unknown): string | null {
  if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) return 'must be an object';
  const { __typename, id } = representation as Record<string, unknown>;
  if (__typename !== 'Customer') return `"__typename" must be "Customer", the one entity of this subgraph; got ${JSON.stringify(__typename) ?? 'nothing'}`;
  if (typeof id !== 'string') return `"id" must be a string; got ${id === null ? 'null' : Array.isArray(id) ? 'an array' : typeof id}`;
  return null;
}

/**
 * Federation's `_entities`, with every representation checked before it reaches a loader: one that cannot
 * name a customer is BAD_USER_INPUT at its own index, and never joins a query (the shared batch would carry
 * it into other requests' queries). The others resolve as @apollo/subgraph resolves them.
 */
function checkRepresentations(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()['_entities'];
  const resolve = field?.resolve;
  if (!field || !resolve) throw new Error('The subgraph schema has no _entities resolver to guard.');
  field.resolve = (source, args: Record<string, unknown>, context, info) => {
    const representations = args['representations'] as unknown[];
    const problems = representations.map(representationProblem);
    const valid = representations.filter((_, i) => problems[i] === null);
    const resolved = (valid.length > 0 ? resolve(source, { ...args, representations: valid }, context, info) : []) as unknown[];
    let next = 0;
    // graphql-js reports an Error returned as a list item at that item's path, and serves the others.
    return representations.map((_, i) => {
      const problem = problems[i];
      return problem === null ? resolved[next++] : badUserInput(`representations[${i}]: ${problem}.`, 'representations');
    });
  };
}
