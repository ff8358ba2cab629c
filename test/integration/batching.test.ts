import { DemoGenerator, demoCustomerId } from '../../src/ingest/demo/generator';
import type { IngestRecord } from '../../src/ingest/records';
import { CustomerNamesDocument, FullProfileDocument, FullProfilesDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../utils/gateway';

const CUSTOMERS = 50;
const ids = Array.from({ length: CUSTOMERS }, (_, i) => demoCustomerId(i));

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
  const generator = new DemoGenerator({ seed: 7, now: Date.UTC(2025, 0, 15) });
  const records: IngestRecord[] = [];
  for (let i = 0; i < CUSTOMERS; i++) records.push(...generator.customerWithHistory(i));
  await t.gateway.sink.write(records);
});
afterAll(() => t.close());

/** The labels of the ClickHouse statements one request sends, sorted. */
async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  const labels: string[] = [];
  const stop = t.gateway.store.observe((e) => labels.push(`${e.kind}:${e.label}`));
  const before = t.gateway.store.queryCount;
  try {
    await run();
  } finally {
    stop();
  }
  expect(t.gateway.store.queryCount - before).toBe(labels.length);
  return labels.sort();
}

describe('a full profile costs one ClickHouse query, however many customers', () => {
  test('the same for 1 customer as for 50: one query for the rollups and the timeline pages together', async () => {
    const one = await statementsOf(async () => {
      const res = await t.graphql(FullProfilesDocument, { ids: ids.slice(0, 1) });
      expect(res.errors).toBeUndefined();
      expect(res.data!.customers).toHaveLength(1);
      expect(res.data!.customers[0]!.purchaseStats.totalOrders).toBeGreaterThanOrEqual(0);
    });
    const fifty = await statementsOf(async () => {
      const res = await t.graphql(FullProfilesDocument, { ids });
      expect(res.errors).toBeUndefined();
      expect(res.data!.customers.map((c) => c?.id)).toEqual(ids);
      // The demo data is rich enough that the count is not the same because everything is empty.
      expect(res.data!.customers.filter((c) => c!.timeline.edges.length > 0).length).toBe(CUSTOMERS);
      expect(res.data!.customers.filter((c) => c!.purchaseStats.totalOrders > 0).length).toBeGreaterThan(CUSTOMERS / 2);
    });
    expect(fifty).toEqual(one);
    expect(one).toEqual(['query:profile']);
  });

  test('unknown ids cost nothing more', async () => {
    const labels = await statementsOf(() => t.graphql(FullProfilesDocument, { ids: [...ids.slice(0, 10), 'nobody-1', 'nobody-2'] }));
    expect(labels).toEqual(['query:profile']);
  });

  test('two timeline pages with different arguments are two branches of the same query', async () => {
    const query = `query($ids: [ID!]!) { customers(ids: $ids) { id a: timeline(first: 2) { edges { cursor } } b: timeline(first: 5, types: [LOGIN]) { edges { node { type } } } } }`;
    type Pages = { customers: Array<{ a: { edges: unknown[] }; b: { edges: Array<{ node: { type: string } }> } }> };
    const labels = await statementsOf(async () => {
      const res = await t.graphql<Pages>(query, { ids: ids.slice(0, 5) });
      expect(res.errors).toBeUndefined();
      expect(res.data!.customers.every((c) => c.a.edges.length === 2 && c.b.edges.every((e) => e.node.type === 'LOGIN'))).toBe(true);
    });
    expect(labels).toEqual(['query:profile']);
  });
});

describe('the parts of a profile load in one round with the customer lookup', () => {
  /** The order in which one request's ClickHouse queries start and end. */
  async function queryOrder(run: () => Promise<unknown>): Promise<string[]> {
    const store = t.gateway.store;
    const original = store.query.bind(store);
    const order: string[] = [];
    store.query = async (label, sql, params) => {
      order.push(`start:${label}`);
      try {
        return await original(label, sql, params);
      } finally {
        order.push(`end:${label}`);
      }
    };
    try {
      await run();
    } finally {
      store.query = original;
    }
    return order;
  }

  test.each([
    ['customer(id)', () => t.graphql(FullProfileDocument, { id: ids[0]! })],
    ['customers(ids)', () => t.graphql(FullProfilesDocument, { ids: ids.slice(0, 3) })],
  ])('%s: the timeline does not wait for the customer lookup (one query, not two in a row)', async (_, request) => {
    const order = await queryOrder(async () => {
      const res = await request();
      expect(res.errors).toBeUndefined();
    });
    expect(order).toEqual(['start:profile', 'end:profile']);
  });
});

describe('nothing cached in one request is seen by another', () => {
  test('a customer changed between two requests is seen changed in the second', async () => {
    const id = ids[0]!;
    const first = await t.graphql(CustomerNamesDocument, { ids: [id] });
    const original = first.data!.customers[0]!;
    await t.gateway.sink.write([
      {
        kind: 'customer',
        row: { id, source_id: id, first_name: 'Renamed', last_name: original.lastName, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null },
      },
    ]);
    const second = await t.graphql(CustomerNamesDocument, { ids: [id] });
    expect(second.data!.customers[0]).toEqual({ id, firstName: 'Renamed', lastName: original.lastName });
  });

  test('an order added between two requests is counted by the second', async () => {
    const id = ids[1]!;
    const query = `query($id: ID!) { customer(id: $id) { purchaseStats { totalOrders } favouriteProducts(limit: 50) { productName purchases } } }`;
    type Stats = { customer: { purchaseStats: { totalOrders: number }; favouriteProducts: Array<{ productName: string; purchases: number }> } };
    const before = await t.graphql<Stats>(query, { id });
    await t.gateway.sink.write([
      {
        kind: 'order',
        row: {
          user_id: id,
          channel: 'online',
          order_id: 'batching-extra-order',
          date: Date.UTC(2025, 0, 16),
          item_names: ['Batching Test Hat'],
          item_prices: [10],
          item_quantities: [1],
          location: 'Leeds',
        },
      },
    ]);
    const after = await t.graphql<Stats>(query, { id });
    expect(after.data!.customer.purchaseStats.totalOrders).toBe(before.data!.customer.purchaseStats.totalOrders + 1);
    expect(after.data!.customer.favouriteProducts).toContainEqual({ productName: 'BATCHING TEST HAT', purchases: 1 });
  });
});
