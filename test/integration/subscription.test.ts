import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { IngestRecord } from '../../src/ingest/records';
import { CustomerActivityDocument, TimelineDocument, type ActivityType, type CustomerActivitySubscription } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../utils/gateway';

type Event = CustomerActivitySubscription['customerActivity'];

let t: TestGateway;
let client: Client;

beforeAll(async () => {
  t = await startTestGateway();
  client = createClient({ url: `${t.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  await t.gateway.sink.write(
    ['S1', 'S2'].map((id) => ({
      kind: 'customer' as const,
      row: { id, source_id: id, first_name: id, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null },
    })),
  );
});
afterAll(async () => {
  await client?.dispose();
  await t?.close();
});

/** Polls a condition of the gateway's own state; fails (rather than waits forever) if it never holds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never happened: ${what}`);
}

/** Subscribes and resolves once the gateway has registered the subscription on its activity bus. */
async function subscribe(customerId: string, types?: ActivityType[]) {
  const before = t.gateway.bus.subscriberCount();
  const iterator = client.iterate<CustomerActivitySubscription>({
    query: print(CustomerActivityDocument),
    variables: { customerId, ...(types ? { types } : {}) },
  });
  const first = iterator.next();
  await until(() => t.gateway.bus.subscriberCount() > before, 'the subscription registered');
  const registered = t.gateway.bus.subscriberCount();
  let pending: ReturnType<typeof iterator.next> | null = first;
  return {
    async next(): Promise<Event> {
      const result = await (pending ?? iterator.next());
      pending = null;
      if (result.done) throw new Error('the subscription ended');
      expect(result.value.errors).toBeUndefined();
      return result.value.data!.customerActivity;
    },
    /** Unsubscribes and resolves once the gateway has released the subscription. */
    async close() {
      await iterator.return?.();
      await until(() => t.gateway.bus.subscriberCount() < registered, 'the subscription was released');
    },
  };
}

const at = (iso: string) => Date.parse(iso);
const visit = (user: string, key: string, iso: string, page = 'home.html', error: string | null = null): IngestRecord => ({
  kind: 'weblog',
  row: { user_id: user, date: at(iso), page, error_message: error, event_key: key },
});
const onlineOrder = (user: string, id: string, iso: string): IngestRecord => ({
  kind: 'order',
  row: { user_id: user, channel: 'online', order_id: id, date: at(iso), item_names: ['Scarf', 'Belt'], item_prices: [20, 15], item_quantities: [2, 1], location: 'Leeds' },
});
const instoreOrder = (user: string, id: string, iso: string): IngestRecord => ({
  kind: 'order',
  row: { user_id: user, channel: 'instore', order_id: id, date: at(iso), item_names: ['Hat'], item_prices: [12], item_quantities: [1], location: 'Paris' },
});
const email = (user: string, id: string, iso: string): IngestRecord => ({
  kind: 'email',
  row: { user_id: user, email_id: id, date: at(iso), opened: 1, clicked: 0 },
});

/** The customer's timeline entry with this time and type, read by a query sent right now. */
async function timelineEntry(customerId: string, event: Event) {
  const res = await t.graphql(TimelineDocument, { id: customerId, first: 100 });
  expect(res.errors).toBeUndefined();
  return res.data!.customer!.timeline.edges.map((e) => e.node).find((n) => n.at === event.at && n.type === event.type && n.summary === event.summary);
}

test('every new record of the customer arrives, and nothing of another customer', async () => {
  const sub = await subscribe('S1');
  await t.gateway.sink.write([
    visit('S2', 'a-1', '2025-02-01T10:00:00.000Z'),
    onlineOrder('S1', 'a-2', '2025-02-01T10:01:00.000Z'),
    email('S1', 'a-3', '2025-02-01T10:02:00.000Z'),
    onlineOrder('S2', 'a-4', '2025-02-01T10:03:00.000Z'),
    visit('S1', 'a-5', '2025-02-01T10:04:00.000Z', 'login_success.html'),
  ]);
  expect(await sub.next()).toEqual({
    customerId: 'S1',
    type: 'ONLINE_ORDER',
    at: '2025-02-01T10:01:00.000Z',
    summary: 'Online order to Leeds: 2 items, 55.00',
    source: 'online_orders',
  });
  expect(await sub.next()).toEqual({
    customerId: 'S1',
    type: 'EMAIL_SENT',
    at: '2025-02-01T10:02:00.000Z',
    summary: 'Marketing email a-3 sent (opened)',
    source: 'marketing_emails',
  });
  expect(await sub.next()).toEqual({
    customerId: 'S1',
    type: 'LOGIN',
    at: '2025-02-01T10:04:00.000Z',
    summary: 'Logged in (login_success.html)',
    source: 'weblogs',
  });
  // Nothing of S2 is waiting: the next event to arrive is the next one of S1.
  await t.gateway.sink.write([visit('S2', 'a-6', '2025-02-01T10:05:00.000Z'), visit('S1', 'a-7', '2025-02-01T10:06:00.000Z', 'sale.html')]);
  expect(await sub.next()).toMatchObject({ customerId: 'S1', type: 'WEBSITE_VISIT', summary: 'Visited sale.html' });
  await sub.close();
});

test('a types filter lets only those types through', async () => {
  const sub = await subscribe('S1', ['ONLINE_ORDER', 'WEBSITE_ERROR']);
  await t.gateway.sink.write([
    visit('S1', 'b-1', '2025-02-02T10:00:00.000Z'),
    onlineOrder('S1', 'b-2', '2025-02-02T10:01:00.000Z'),
    email('S1', 'b-3', '2025-02-02T10:02:00.000Z'),
    visit('S1', 'b-4', '2025-02-02T10:03:00.000Z', 'checkout.html', 'Card declined'),
    instoreOrder('S1', 'b-5', '2025-02-02T10:04:00.000Z'),
    visit('S1', 'b-6', '2025-02-02T10:05:00.000Z', 'login_success.html'),
    onlineOrder('S2', 'b-7', '2025-02-02T10:06:00.000Z'),
  ]);
  expect(await sub.next()).toMatchObject({ customerId: 'S1', type: 'ONLINE_ORDER', at: '2025-02-02T10:01:00.000Z' });
  expect(await sub.next()).toEqual({
    customerId: 'S1',
    type: 'WEBSITE_ERROR',
    at: '2025-02-02T10:03:00.000Z',
    summary: 'Error on checkout.html: Card declined',
    source: 'weblogs',
  });
  await t.gateway.sink.write([instoreOrder('S1', 'b-8', '2025-02-02T10:07:00.000Z'), onlineOrder('S1', 'b-9', '2025-02-02T10:08:00.000Z')]);
  expect(await sub.next()).toMatchObject({ type: 'ONLINE_ORDER', at: '2025-02-02T10:08:00.000Z' });
  await sub.close();
});

test('an event pushed is already visible to a query sent right after it', async () => {
  const sub = await subscribe('S2');
  const write = t.gateway.sink.write([instoreOrder('S2', 'c-1', '2025-02-03T10:00:00.000Z'), email('S2', 'c-2', '2025-02-03T10:01:00.000Z')]);
  const order = await sub.next();
  expect(order).toEqual({
    customerId: 'S2',
    type: 'INSTORE_ORDER',
    at: '2025-02-03T10:00:00.000Z',
    summary: 'In-store order in Paris: 1 item, 12.00',
    source: 'instore_orders',
  });
  expect(await timelineEntry('S2', order)).toEqual(order);
  const mail = await sub.next();
  expect(await timelineEntry('S2', mail)).toEqual(mail);
  await write;
  await sub.close();
});

test('unsubscribing releases the subscription on the gateway', async () => {
  expect(t.gateway.bus.subscriberCount()).toBe(0);
  const sub = await subscribe('S1');
  expect(t.gateway.bus.subscriberCount()).toBe(1);
  await sub.close();
  expect(t.gateway.bus.subscriberCount()).toBe(0);
});

test('the gateway closes while a subscription waits for events, and the client is told', async () => {
  const sub = await subscribe('S1');
  const outcome = sub.next().then(
    () => 'an event',
    () => 'closed',
  );
  await t.close();
  expect(t.gateway.bus.subscriberCount()).toBe(0);
  expect(await outcome).toBe('closed');
});
