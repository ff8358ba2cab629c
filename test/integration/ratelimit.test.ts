import { hashApiKey } from '../../src/auth/credentials';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { RawGraphqlWs } from '../utils/ws';

// The request rate per credential, at its role's rate: 5 per minute for personalisation here and 8 for
// support, so the window never rolls over mid-test.

const KEYS = { a: 'c360_rate-key-a-0123456789', b: 'c360_rate-key-b-0123456789', ws: 'c360_rate-key-ws-0123456789' };
const SUPPORT_KEY = 'c360_rate-key-support-0123456789';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({
    AUTH_API_KEYS: [
      ...Object.entries(KEYS).map(([name, key]) => `${hashApiKey(key)}:personalisation:${name}`),
      `${hashApiKey(SUPPORT_KEY)}:support:desk`,
    ].join(','),
    RATE_LIMIT_PERSONALISATION: '5',
    RATE_LIMIT_SUPPORT: '8',
    RATE_LIMIT_WINDOW_SEC: '60',
  });
});

test('each credential counts at its role\'s rate', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 9; i++) statuses.push((await t.graphql('{ __typename }', undefined, { 'x-api-key': SUPPORT_KEY })).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429]);
});
afterAll(() => t?.close());

test('over its rate a credential gets 429 with Retry-After; another credential is unaffected', async () => {
  for (let i = 0; i < 5; i++) {
    const ok = await t.graphql('{ __typename }', undefined, { 'x-api-key': KEYS.a });
    expect(ok.status).toBe(200);
  }
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEYS.a },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
  const body = (await res.json()) as { data?: unknown; errors: Array<{ extensions: Record<string, unknown> }> };
  expect(body.data).toBeUndefined();
  expect(body.errors[0]?.extensions).toEqual({ code: 'TOO_MANY_REQUESTS', retryAfterSec: retryAfter });

  const other = await t.graphql('{ __typename }', undefined, { 'x-api-key': KEYS.b });
  expect(other.status).toBe(200);
});

test('over its rate on a WebSocket, that subscribe gets an error and the connection goes on', async () => {
  const ws = await RawGraphqlWs.connect(t.url, { apiKey: KEYS.ws });
  expect(await ws.next()).toEqual({ type: 'connection_ack' });
  await t.gateway.sink.write([
    { kind: 'customer', row: { id: 'RL1', source_id: 'RL1', first_name: null, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null } },
  ]);
  // A subscription, then queries over the socket: each subscribe message is one request.
  const before = t.gateway.bus.subscriberCount();
  ws.subscribe('live', 'subscription { customerActivity(customerId: "RL1") { type } }');
  for (let i = 0; i < 500 && t.gateway.bus.subscriberCount() === before; i++) await new Promise((r) => setTimeout(r, 10));
  for (let i = 0; i < 4; i++) {
    ws.subscribe(String(i), '{ __typename }');
    expect(await ws.next()).toEqual({ id: String(i), type: 'next', payload: { data: { __typename: 'Query' } } });
    expect(await ws.next()).toEqual({ id: String(i), type: 'complete' });
  }
  ws.subscribe('5', '{ __typename }');
  const refused = await ws.next();
  expect(refused).toMatchObject({ id: '5', type: 'error', payload: [{ extensions: { code: 'TOO_MANY_REQUESTS' } }] });
  const retryAfterSec = (refused as { payload: Array<{ extensions: { retryAfterSec: number } }> }).payload[0]!.extensions.retryAfterSec;
  expect(retryAfterSec >= 1 && retryAfterSec <= 60).toBe(true);
  // graphql-ws clients treat a close with 4429 as fatal; the subscription already open keeps streaming.
  await t.gateway.sink.write([{ kind: 'weblog', row: { user_id: 'RL1', date: Date.UTC(2025, 0, 1), page: 'home.html', error_message: null, event_key: 'rl-1' } }]);
  expect(await ws.next()).toEqual({ id: 'live', type: 'next', payload: { data: { customerActivity: { type: 'WEBSITE_VISIT' } } } });
  ws.close();
  expect((await ws.closed).code).toBe(1000);
});
