import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { startTestGateway, type TestGateway } from '../utils/gateway';

/** A second subgraph, as another team would run it: reviews of customers, keyed by customer id. */
const REVIEWS: Record<string, Array<{ stars: number; body: string }>> = {
  F1: [
    { stars: 5, body: 'Great fit' },
    { stars: 3, body: 'Arrived late' },
  ],
};

function reviewsSubgraph() {
  return buildSubgraphSchema({
    typeDefs: parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

      type Customer @key(fields: "id") {
        id: ID!
        reviews: [Review!]!
      }

      type Review {
        stars: Int!
        body: String!
      }

      type Query {
        reviewCount: Int!
      }
    `),
    resolvers: {
      Query: { reviewCount: () => Object.values(REVIEWS).flat().length },
      Customer: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        reviews: (customer: { id: string }) => REVIEWS[customer.id] ?? [],
      },
    } as never,
  });
}

let t: TestGateway;
let reviews: ApolloServer;
let supergraph: ApolloServer;
let supergraphUrl: string;

beforeAll(async () => {
  t = await startTestGateway();
  await t.gateway.sink.write([
    ...['F1', 'F2'].map((id, i) => ({
      kind: 'customer' as const,
      row: { id, source_id: id, first_name: ['Ada', 'Grace'][i]!, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null },
    })),
    {
      kind: 'order',
      row: { user_id: 'F1', channel: 'online', order_id: 'FO1', date: Date.UTC(2024, 0, 1), item_names: ['Hat'], item_prices: [12], item_quantities: [1], location: null },
    },
    {
      kind: 'order',
      row: { user_id: 'F1', channel: 'instore', order_id: 'FI1', date: Date.UTC(2024, 0, 2), item_names: ['Belt'], item_prices: [15], item_quantities: [1], location: 'Paris' },
    },
  ]);

  reviews = new ApolloServer({ schema: reviewsSubgraph(), plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const { url: reviewsUrl } = await startStandaloneServer(reviews, { listen: { port: 0, host: '127.0.0.1' } });

  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({
      subgraphs: [
        { name: 'customers', url: `${t.url}/graphql` },
        { name: 'reviews', url: reviewsUrl },
      ],
    }),
  });
  supergraph = new ApolloServer({ gateway });
  ({ url: supergraphUrl } = await startStandaloneServer(supergraph, { listen: { port: 0, host: '127.0.0.1' } }));
});

afterAll(async () => {
  await supergraph?.stop();
  await reviews?.stop();
  await t?.close();
});

async function post(url: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

test('one request through @apollo/gateway reads fields of both subgraphs', async () => {
  const res = await post(
    supergraphUrl,
    `query { customer(id: "F1") { id firstName purchaseStats { totalOrders } reviews { stars } } reviewCount }`,
  );
  expect(res.errors).toBeUndefined();
  expect(res.data).toEqual({
    customer: { id: 'F1', firstName: 'Ada', purchaseStats: { totalOrders: 2 }, reviews: [{ stars: 5 }, { stars: 3 }] },
    reviewCount: 2,
  });
});

test('lists of customers are joined across subgraphs too, null where unknown', async () => {
  const res = await post(supergraphUrl, `query { customers(ids: ["F2", "nobody", "F1"]) { firstName reviews { body } } }`);
  expect(res.errors).toBeUndefined();
  expect(res.data).toEqual({
    customers: [{ firstName: 'Grace', reviews: [] }, null, { firstName: 'Ada', reviews: [{ body: 'Great fit' }, { body: 'Arrived late' }] }],
  });
});

describe('the subgraph itself', () => {
  test('_service.sdl declares Customer as an entity keyed by id, with the whole contract', async () => {
    const res = await t.graphql<{ _service: { sdl: string } }>(`{ _service { sdl } }`);
    expect(res.errors).toBeUndefined();
    const sdl = res.data!._service.sdl;
    expect(sdl).toMatch(/type Customer\s+@key\(fields: "id"\)/);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
    expect(sdl).toContain('customerActivity(customerId: ID!, types: [ActivityType!]): ActivityEvent!');
    expect(sdl).toContain('timeline(first: Int = 20, after: String, types: [ActivityType!]): ActivityConnection!');
  });

  test('_entities resolves customers through the same loaders as customer, in one query', async () => {
    const labels: string[] = [];
    const stop = t.gateway.store.observe((e) => labels.push(e.label));
    const res = await t.graphql(
      `query($representations: [_Any!]!) {
        _entities(representations: $representations) { ... on Customer { id firstName purchaseStats { totalOrders } } }
      }`,
      { representations: [{ __typename: 'Customer', id: 'F1' }, { __typename: 'Customer', id: 'nobody' }, { __typename: 'Customer', id: 'F2' }] },
    );
    stop();
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      _entities: [
        { id: 'F1', firstName: 'Ada', purchaseStats: { totalOrders: 2 } },
        null,
        { id: 'F2', firstName: 'Grace', purchaseStats: { totalOrders: 0 } },
      ],
    });
    expect(labels).toEqual(['profile']);
  });
});
