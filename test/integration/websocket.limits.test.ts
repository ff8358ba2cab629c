import { SignJWT } from 'jose';
import { hashApiKey } from '../../src/auth/credentials';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { RawGraphqlWs } from '../utils/ws';

// Probe 4: a WebSocket outliving its token, and connections and subscriptions per credential without a cap.
// Here a credential may hold 2 connections and 2 open operations.

const KEY = 'c360_ws-limits-key-0123456789';
const OTHER_KEY = 'c360_ws-limits-other-key-0123456789';
const JWT_SECRET = 'websocket-limits-test-secret-0123456789';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({
    AUTH_API_KEYS: `${hashApiKey(KEY)}:personalisation:storefront,${hashApiKey(OTHER_KEY)}:personalisation:other`,
    AUTH_JWT_SECRET: JWT_SECRET,
    WS_MAX_CONNECTIONS_PER_CREDENTIAL: '2',
    WS_MAX_SUBSCRIPTIONS_PER_CREDENTIAL: '2',
  });
  await t.gateway.sink.write([
    { kind: 'customer', row: { id: 'W1', source_id: 'W1', first_name: null, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null } },
  ]);
});
afterAll(() => t?.close());

async function connected(params: Record<string, unknown>): Promise<RawGraphqlWs> {
  const ws = await RawGraphqlWs.connect(t.url, params);
  expect(await ws.next()).toEqual({ type: 'connection_ack' });
  return ws;
}

/** Subscribes and waits until the gateway has registered the subscription on its bus. */
async function subscribed(ws: RawGraphqlWs, id: string): Promise<void> {
  const before = t.gateway.bus.subscriberCount();
  ws.subscribe(id, 'subscription { customerActivity(customerId: "W1") { type } }');
  for (let i = 0; i < 500 && t.gateway.bus.subscriberCount() === before; i++) await new Promise((r) => setTimeout(r, 10));
  expect(t.gateway.bus.subscriberCount()).toBe(before + 1);
}

const token = (expSec: number) =>
  new SignJWT({ role: 'personalisation' }).setProtectedHeader({ alg: 'HS256' }).setSubject('storefront-session').setExpirationTime(expSec).sign(new TextEncoder().encode(JWT_SECRET));

test('a connection is closed with 4401 when its token expires, and its subscription ends', async () => {
  // Accepted within the 5 s of clock tolerance, so valid for one or two more seconds.
  const ws = await connected({ authorization: `Bearer ${await token(Math.floor(Date.now() / 1000) - 3)}` });
  await subscribed(ws, 'live');
  expect(await ws.closed).toEqual({ code: 4401, reason: 'Credential expired' });
  for (let i = 0; i < 500 && t.gateway.bus.subscriberCount() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(t.gateway.bus.subscriberCount()).toBe(0);
});

test('a token that is still valid keeps its connection', async () => {
  const ws = await connected({ authorization: `Bearer ${await token(Math.floor(Date.now() / 1000) + 600)}` });
  ws.subscribe('1', '{ __typename }');
  expect(await ws.next()).toEqual({ id: '1', type: 'next', payload: { data: { __typename: 'Query' } } });
  ws.close();
  expect((await ws.closed).code).toBe(1000);
});

test('past its connections a credential is refused with 4429; other credentials are not', async () => {
  const first = await connected({ apiKey: KEY });
  const second = await connected({ apiKey: KEY });
  const third = await RawGraphqlWs.connect(t.url, { apiKey: KEY });
  expect(await third.closed).toEqual({ code: 4429, reason: 'Too many connections for this credential' });
  const other = await connected({ apiKey: OTHER_KEY });
  other.close();
  // A closed connection gives its place back.
  first.close();
  await first.closed;
  const again = await connected({ apiKey: KEY });
  again.close();
  second.close();
  await Promise.all([again.closed, second.closed]);
});

test('past its open operations a subscribe gets an error for that operation; the connection goes on', async () => {
  const a = await connected({ apiKey: KEY });
  const b = await connected({ apiKey: KEY });
  await subscribed(a, '1');
  await subscribed(b, '1');
  a.subscribe('2', 'subscription { customerActivity(customerId: "W1") { type } }');
  expect(await a.next()).toEqual({
    id: '2',
    type: 'error',
    payload: [
      {
        message: 'This credential already has 2 operations open over WebSocket, the most allowed (WS_MAX_SUBSCRIPTIONS_PER_CREDENTIAL); complete one first.',
        extensions: { code: 'TOO_MANY_REQUESTS', limit: 'subscriptions', max: 2 },
      },
    ],
  });
  // Completing one frees its place, on either connection.
  const registered = t.gateway.bus.subscriberCount();
  b.send({ id: '1', type: 'complete' });
  for (let i = 0; i < 500 && t.gateway.bus.subscriberCount() === registered; i++) await new Promise((r) => setTimeout(r, 10));
  await subscribed(a, '3');
  await t.gateway.sink.write([{ kind: 'weblog', row: { user_id: 'W1', date: Date.UTC(2025, 0, 1), page: 'home.html', error_message: null, event_key: 'w-1' } }]);
  const pushes = [await a.next(), await a.next()];
  expect(pushes.map((p) => p?.['id']).sort()).toEqual(['1', '3']);
  a.close();
  b.close();
  await Promise.all([a.closed, b.closed]);
});
