// customerProfile: the profile pushed again after every commit that touched the customer, through one set of
// loaders per commit shared by every subscriber, executed once for all the clients of one role; ended by an erasure.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { hashApiKey } from '../../src/auth/credentials';
import { Role } from '../../src/auth/roles';
import type { IngestRecord } from '../../src/ingest/records';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { waitFor } from '../utils/services';

const KEYS = { support: 'support-key-profile-0001', personalisation: 'personalisation-key-profile-0001' };

const PROFILE = `subscription Profile($customerId: ID!) {
  customerProfile(customerId: $customerId) {
    id firstName email
    purchaseStats { totalOrders totalSpent }
    timeline(first: 2) { edges { node { type amount } } }
  }
}`;

interface Pushed {
  id: string;
  firstName: string | null;
  email: string | null;
  purchaseStats: { totalOrders: number; totalSpent: number };
  timeline: { edges: Array<{ node: { type: string; amount: number | null } }> };
}

interface Subscriber {
  pushes: Pushed[];
  errors: Array<{ message: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }>;
  completed: boolean;
}

let t: TestGateway;
const clients: Client[] = [];

function connect(role: keyof typeof KEYS): Client {
  const client = createClient({
    url: `${t.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { apiKey: KEYS[role] },
  });
  clients.push(client);
  return client;
}

/** Subscribes and resolves once the gateway holds the subscription. */
async function subscribe(client: Client, customerId: string): Promise<Subscriber> {
  const before = t.gateway.liveProfiles.consumers();
  const s: Subscriber = { pushes: [], errors: [], completed: false };
  client.subscribe<{ customerProfile: Pushed }>(
    { query: PROFILE, variables: { customerId } },
    {
      next: (result) => {
        if (result.data) s.pushes.push(result.data.customerProfile);
        if (result.errors) s.errors.push(...(result.errors as Subscriber['errors']));
      },
      error: (error) => s.errors.push({ message: String(error) }),
      complete: () => (s.completed = true),
    },
  );
  await waitFor(async () => t.gateway.liveProfiles.consumers() > before, { what: 'the subscription to register' });
  return s;
}

const customer = (id: string): IngestRecord => ({
  kind: 'customer',
  row: { id, source_id: `src-${id}`, first_name: `First ${id}`, last_name: 'Last', gender: null, dob: null, email: `${id.toLowerCase()}@example.com`, street: null, city: null, postcode: null, country: null },
});
let orderNo = 0;
const order = (userId: string, price: number): IngestRecord => ({
  kind: 'order',
  row: { user_id: userId, channel: 'online', order_id: `o-${++orderNo}`, date: Date.UTC(2024, 5, 1) + orderNo * 1000, item_names: ['Lamp'], item_prices: [price], item_quantities: [1], location: 'Leeds' },
});

beforeAll(async () => {
  t = await startTestGateway({
    AUTH_API_KEYS: `${hashApiKey(KEYS.support)}:support:desk,${hashApiKey(KEYS.personalisation)}:personalisation:shop`,
  });
  await t.gateway.sink.write([customer('P1'), customer('P2'), customer('P3')]);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await t?.close();
});

test('every commit that touches the customer pushes the profile as it now is; other commits push nothing', async () => {
  const s = await subscribe(connect('support'), 'P1');
  await t.gateway.sink.write([order('P1', 10)]);
  await waitFor(async () => s.pushes.length === 1, { what: 'the first push' });
  expect(s.pushes[0]).toEqual({
    id: 'P1',
    firstName: 'First P1',
    email: 'p1@example.com',
    purchaseStats: { totalOrders: 1, totalSpent: 10 },
    timeline: { edges: [{ node: { type: 'ONLINE_ORDER', amount: 10 } }] },
  });
  // Another customer's commit: nothing for P1. Then P1's second order: the new totals, not the first push's.
  await t.gateway.sink.write([order('P2', 99)]);
  await t.gateway.sink.write([order('P1', 5)]);
  await waitFor(async () => s.pushes.length === 2, { what: 'the second push' });
  expect(s.pushes[1]!.purchaseStats).toEqual({ totalOrders: 2, totalSpent: 15 });
  expect(s.pushes[1]!.timeline.edges.map((e) => e.node.amount)).toEqual([5, 10]);
  expect(s.errors).toEqual([]);
});

test('many subscribers of the customers a commit touched cost one ClickHouse read in all and one execution per role, each served for its role', async () => {
  const support = connect('support');
  const shop = connect('personalisation');
  const executions = t.gateway.profiles.subscriberCount();
  const subscribers: Array<{ role: Role; customer: string; s: Subscriber }> = [];
  for (let i = 0; i < 20; i++) {
    const customerId = i % 2 === 0 ? 'P2' : 'P3';
    const role = i % 4 < 2 ? Role.SUPPORT : Role.PERSONALISATION;
    subscribers.push({ role, customer: customerId, s: await subscribe(role === Role.SUPPORT ? support : shop, customerId) });
  }
  // Twenty clients, two customers, two roles: four executions, each pushed to its five clients.
  expect(t.gateway.profiles.subscriberCount() - executions).toBe(4);
  const reads: string[] = [];
  const stop = t.gateway.store.observe((e) => e.kind === 'query' && reads.push(e.label));
  try {
    await t.gateway.sink.write([order('P2', 1), order('P3', 2)]);
    await waitFor(async () => subscribers.every(({ s }) => s.pushes.length + s.errors.length > 0), { what: 'a push to every subscriber' });
  } finally {
    stop();
  }
  // The commit's own reads (the states it updates) are the sink's; the pushes add one profile query.
  expect(reads.filter((label) => label === 'profile')).toEqual(['profile']);
  for (const { role, customer: id, s } of subscribers) {
    expect(s.pushes.at(-1)!.id).toBe(id);
    if (role === Role.SUPPORT) {
      expect(s.pushes.at(-1)!.email).toBe(`${id.toLowerCase()}@example.com`);
      expect(s.errors).toEqual([]);
    } else {
      // The shared loaders hold no role: personal data is still refused to personalisation, field by field.
      expect(s.pushes.at(-1)!.email).toBeNull();
      expect(s.errors.map((e) => [e.path?.join('.'), e.extensions?.['code']])).toEqual([
        ['customerProfile.firstName', 'FORBIDDEN'],
        ['customerProfile.email', 'FORBIDDEN'],
      ]);
    }
  }
});

test('an erasure ends the customer\'s profile subscriptions; an empty id is refused', async () => {
  const client = connect('support');
  const s = await subscribe(client, 'P3');
  await t.gateway.erasure.erase('P3', 'DSR-77', { id: 'key:test', role: Role.PRIVACY, kind: 'api-key' });
  await waitFor(async () => s.completed, { what: 'the subscription to complete' });
  await t.gateway.sink.write([order('P3', 3)]);
  expect(s.pushes).toEqual([]);

  const empty = await new Promise<unknown>((resolve) => {
    client.subscribe({ query: PROFILE, variables: { customerId: ' ' } }, { next: resolve, error: resolve, complete: () => undefined });
  });
  expect(JSON.stringify(empty)).toContain('BAD_USER_INPUT');
});
