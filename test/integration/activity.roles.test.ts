import { hashApiKey } from '../../src/auth/credentials';
import { parseWeblog } from '../../src/ingest/kafka/weblog.message';
import { orderRow } from '../../src/ingest/mongo/order.mapping';
import type { IngestRecord } from '../../src/ingest/records';
import type { Parsed } from '../../src/ingest/validation';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { RawGraphqlWs } from '../utils/ws';

// Probe 1 of "role-safe activity data": records as the MongoDB and Kafka sources map them, with personal
// data where a probe found it (a street address as the delivery address, an e-mail address in an error
// message and in a page's query string), read by the personalisation role in the timeline, in
// recentErrors and in the customerActivity push.

const SUPPORT_KEY = 'c360_roles-support-key-0123456789';
const PERSONALISATION_KEY = 'c360_roles-personalisation-key-0123456789';
const PERSONAL = ['Quay', 'Cork', 'T12', 'siobhan', 'quayle', 'mail.example'];

let t: TestGateway;
const parsed = <T>(p: Parsed<T>): T => {
  if (!p.ok) throw new Error(p.reason);
  return p.value;
};
const order = (id: string, day: number): IngestRecord => ({
  kind: 'order',
  row: parsed(
    orderRow(
      { _id: id, user_id: 'R1', date: new Date(Date.UTC(2025, 0, day)), items: [{ product_name: 'Coat', price: 120 }], delivery_address: '9 Quay St, Cork T12' },
      'online',
    ),
  ),
});
const weblog = (day: number, page: string, error: string | null): IngestRecord => ({
  kind: 'weblog',
  row: parsed(parseWeblog(Buffer.from(JSON.stringify({ user_id: 'R1', date: new Date(Date.UTC(2025, 0, day)).toISOString(), page, error_message: error })))),
});

beforeAll(async () => {
  t = await startTestGateway({
    AUTH_API_KEYS: `${hashApiKey(SUPPORT_KEY)}:support:desk,${hashApiKey(PERSONALISATION_KEY)}:personalisation:storefront`,
  });
  await t.gateway.sink.write([
    {
      kind: 'customer',
      row: {
        id: 'R1', source_id: 'R1', first_name: 'Siobhan', last_name: 'Quayle', gender: 'female', dob: '1990-04-01',
        email: 'siobhan.quayle@mail.example', street: '9 Quay St', city: 'Cork', postcode: 'T12', country: 'Ireland',
      },
    },
    order('R1-o1', 2),
    weblog(3, 'account.html?email=siobhan.quayle%40mail.example', 'No account for siobhan.quayle@mail.example'),
    weblog(4, 'login_success.html', null),
    weblog(5, 'sale.html?ref=siobhan.quayle', null),
  ]);
});
afterAll(() => t?.close());

const EVENT_FIELDS = 'id customerId type at summary source channel amount items products page emailId opened clicked';
const as = (key: string) => ({ 'x-api-key': key });

test('personalisation: the timeline carries no address, e-mail or free text, in any field it may read', async () => {
  const res = await t.graphql(`{ customer(id: "R1") { timeline { edges { node { ${EVENT_FIELDS} } } } recentErrors { lastSeen occurrences } } }`, undefined, as(PERSONALISATION_KEY));
  expect(res.errors).toBeUndefined();
  const text = JSON.stringify(res.data);
  for (const word of PERSONAL) expect(text).not.toContain(word);
  const nodes = (res.data as { customer: { timeline: { edges: Array<{ node: Record<string, unknown> }> } } }).customer.timeline.edges.map((e) => e.node);
  expect(nodes.map((n) => n['summary'])).toEqual(['Visited sale.html', 'Logged in (login_success.html)', 'Error on account.html', 'Online order: 1 item, 120.00']);
  expect(nodes.find((n) => n['type'] === 'ONLINE_ORDER')).toMatchObject({ channel: 'online', amount: 120, items: 1, products: ['COAT'] });
});

test('personalisation: location, error and the error groups\' message and page are FORBIDDEN, field by field', async () => {
  const events = await t.graphql('{ customer(id: "R1") { timeline { edges { node { type location error } } } } }', undefined, as(PERSONALISATION_KEY));
  expect(JSON.stringify(events)).not.toMatch(/Quay|siobhan/);
  const refused = (events.errors ?? []).map((e) => `${e.path?.join('.')} ${String(e.extensions?.['code'])}`);
  expect(refused).toEqual(expect.arrayContaining(['customer.timeline.edges.0.node.location FORBIDDEN', 'customer.timeline.edges.2.node.error FORBIDDEN']));
  expect(refused.every((r) => r.endsWith('FORBIDDEN'))).toBe(true);

  for (const field of ['message', 'page']) {
    const res = await t.graphql(`{ customer(id: "R1") { recentErrors { ${field} } } }`, undefined, as(PERSONALISATION_KEY));
    expect(JSON.stringify(res)).not.toMatch(/siobhan|account\.html/);
    expect(res.errors?.[0]).toMatchObject({ path: ['customer', 'recentErrors', 0, field], extensions: { code: 'FORBIDDEN' } });
  }
});

test('personalisation: the customerActivity push carries no address, e-mail or free text either', async () => {
  const ws = await RawGraphqlWs.connect(t.url, { apiKey: PERSONALISATION_KEY });
  expect(await ws.next()).toEqual({ type: 'connection_ack' });
  const before = t.gateway.bus.subscriberCount();
  ws.subscribe('1', `subscription { customerActivity(customerId: "R1") { ${EVENT_FIELDS} } }`);
  for (let i = 0; i < 500 && t.gateway.bus.subscriberCount() === before; i++) await new Promise((r) => setTimeout(r, 10));
  await t.gateway.sink.write([order('R1-o2', 6), weblog(7, 'account.html?email=siobhan.quayle%40mail.example', 'No account for siobhan.quayle@mail.example')]);
  const pushes = [await ws.next(), await ws.next()];
  ws.close();
  for (const word of PERSONAL) expect(JSON.stringify(pushes)).not.toContain(word);
  expect(pushes.map((p) => (p as { payload: { data: { customerActivity: { summary: string } } } }).payload.data.customerActivity.summary)).toEqual([
    'Online order: 1 item, 120.00',
    'Error on account.html',
  ]);
});

test('support reads the same events with their location and error', async () => {
  const res = await t.graphql('{ customer(id: "R1") { timeline(first: 3, types: [ONLINE_ORDER, WEBSITE_ERROR]) { edges { node { summary location error page } } } recentErrors { message page } } }', undefined, as(SUPPORT_KEY));
  expect(res.errors).toBeUndefined();
  expect((res.data as { customer: { timeline: { edges: Array<{ node: unknown }> } } }).customer.timeline.edges.map((e) => e.node)).toEqual([
    { summary: 'Error on account.html: No account for siobhan.quayle@mail.example', location: null, error: 'No account for siobhan.quayle@mail.example', page: 'account.html' },
    { summary: 'Online order to 9 Quay St, Cork T12: 1 item, 120.00', location: '9 Quay St, Cork T12', error: null, page: null },
    { summary: 'Error on account.html: No account for siobhan.quayle@mail.example', location: null, error: 'No account for siobhan.quayle@mail.example', page: 'account.html' },
  ]);
  expect((res.data as { customer: { recentErrors: unknown[] } }).customer.recentErrors).toEqual([
    { message: 'No account for siobhan.quayle@mail.example', page: 'account.html?email=siobhan.quayle%40mail.example' },
  ]);
});
