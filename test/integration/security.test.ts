import { SignJWT } from 'jose';
import { hashApiKey } from '../../src/auth/credentials';
import type { IngestRecord } from '../../src/ingest/records';
import { FullProfileDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { RawGraphqlWs } from '../utils/ws';

// Authentication and roles, over HTTP and WebSocket, against a gateway that requires credentials.

const SUPPORT_KEY = 'c360_test-support-key-0123456789';
const PERSONALISATION_KEY = 'c360_test-personalisation-key-0123456789';
const JWT_SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
const ISSUER = 'https://issuer.example.test';
const AUDIENCE = 'customer360';

let t: TestGateway;

const customer: IngestRecord = {
  kind: 'customer',
  row: {
    id: 'P1', source_id: 'P1', first_name: 'Grace', last_name: 'Hopper', gender: 'female', dob: '1906-12-09',
    email: 'grace@example.com', street: '1 Navy Yard', city: 'Arlington', postcode: '22202', country: 'United States',
  },
};
const order: IngestRecord = {
  kind: 'order',
  row: { user_id: 'P1', channel: 'online', order_id: 'P1-o1', date: Date.UTC(2025, 0, 2), item_names: ['Scarf'], item_prices: [20], item_quantities: [2], location: 'Leeds' },
};

beforeAll(async () => {
  t = await startTestGateway({
    AUTH_API_KEYS: `${hashApiKey(SUPPORT_KEY)}:support:support-desk,${hashApiKey(PERSONALISATION_KEY)}:personalisation:recommender`,
    AUTH_JWT_SECRET: JWT_SECRET,
    AUTH_JWT_ISSUER: ISSUER,
    AUTH_JWT_AUDIENCE: AUDIENCE,
  });
  await t.gateway.sink.write([customer, order]);
});
afterAll(() => t?.close());

async function token(claims: Record<string, unknown>, options: { secret?: string; expiresIn?: string; issuer?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('service-a')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

const PERSONAL_FIELDS = ['firstName', 'lastName', 'dateOfBirth', 'age', 'email', 'address'];

describe('HTTP without valid credentials', () => {
  test.each([
    ['no credentials', {}],
    ['an unknown API key', { 'x-api-key': 'c360_not-a-key' }],
    ['an unknown API key as a bearer token', { authorization: 'Bearer c360_not-a-key' }],
    ['an unsupported scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
  ])('%s: 401 UNAUTHENTICATED and no data', async (_name, headers) => {
    const res = await t.graphql('{ customer(id: "P1") { id } }', undefined, headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(res.data).toBeUndefined();
    expect(res.errors?.map((e) => e.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
  });

  test('a token signed with another secret, an expired one, one from another issuer: 401', async () => {
    const bad = [
      await token({ role: 'support' }, { secret: 'another-secret-of-at-least-thirty-two-chars' }),
      await token({ role: 'support' }, { expiresIn: '-1h' }),
      await token({ role: 'support' }, { issuer: 'https://elsewhere.example.test' }),
    ];
    for (const jwt of bad) {
      const res = await t.graphql('{ customer(id: "P1") { id } }', undefined, { authorization: `Bearer ${jwt}` });
      expect(res.status).toBe(401);
      expect(res.data).toBeUndefined();
      expect(res.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
  });

  test('an unsigned token (alg "none") is refused', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ role: 'support', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    const res = await t.graphql('{ customer(id: "P1") { id } }', undefined, { authorization: `Bearer ${header}.${payload}.` });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  test('a valid token without a known role: 403 FORBIDDEN and no data', async () => {
    const res = await t.graphql('{ customer(id: "P1") { id } }', undefined, { authorization: `Bearer ${await token({ role: 'admin' })}` });
    expect(res.status).toBe(403);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  test('GET requests need credentials too, and the 401 names the schemes', async () => {
    const res = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/Bearer/);
    const body = (await res.json()) as { data?: unknown; errors: Array<{ extensions: { code: string } }> };
    expect(body.data).toBeUndefined();
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('roles', () => {
  test('support sees the whole profile (API key in X-API-Key)', async () => {
    const res = await t.graphql(FullProfileDocument, { id: 'P1' }, { 'x-api-key': SUPPORT_KEY });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data?.customer).toMatchObject({ firstName: 'Grace', email: 'grace@example.com', dateOfBirth: '1906-12-09', address: { city: 'Arlington' } });
  });

  test('personalisation gets FORBIDDEN on each personal field and everything else', async () => {
    const res = await t.graphql(FullProfileDocument, { id: 'P1' }, { authorization: `ApiKey ${PERSONALISATION_KEY}` });
    expect(res.status).toBe(200);
    const c = res.data?.customer;
    expect(c?.id).toBe('P1');
    expect(c?.gender).toBe('female');
    expect(c?.purchaseStats.totalOrders).toBe(1);
    expect(c?.favouriteProducts).toEqual([{ productName: 'SCARF', purchases: 1 }]);
    expect(c?.lastActivity.lastOnlineOrder).toBe('2025-01-02T00:00:00.000Z');
    expect(c?.timeline.edges).toHaveLength(1);
    for (const field of PERSONAL_FIELDS) expect((c as Record<string, unknown>)[field]).toBeNull();
    const refused = (res.errors ?? []).map((e) => ({ path: e.path?.join('.'), code: e.extensions?.['code'] }));
    expect(refused.sort((a, b) => String(a.path).localeCompare(String(b.path)))).toEqual(
      PERSONAL_FIELDS.map((f) => ({ path: `customer.${f}`, code: 'FORBIDDEN' })).sort((a, b) => a.path.localeCompare(b.path)),
    );
  });

  test('personalisation may not search customers (matching by name or email would reveal them)', async () => {
    const res = await t.graphql('{ searchCustomers(query: "grace") { id } }', undefined, { 'x-api-key': PERSONALISATION_KEY });
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  test('a JWT maps to its role claim; from a list of roles the broadest applies', async () => {
    const personalisation = await t.graphql('{ customer(id: "P1") { id email } }', undefined, {
      authorization: `Bearer ${await token({ role: 'personalisation' })}`,
    });
    expect(personalisation.data).toEqual({ customer: { id: 'P1', email: null } });
    expect(personalisation.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    const support = await t.graphql('{ customer(id: "P1") { id email } }', undefined, {
      authorization: `Bearer ${await token({ role: ['personalisation', 'support'] })}`,
    });
    expect(support.errors).toBeUndefined();
    expect(support.data).toEqual({ customer: { id: 'P1', email: 'grace@example.com' } });
  });

  test('federation entities are held to the same field rules', async () => {
    const res = await t.graphql(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id email } } }',
      { r: [{ __typename: 'Customer', id: 'P1' }] },
      { 'x-api-key': PERSONALISATION_KEY },
    );
    expect(res.data).toEqual({ _entities: [{ id: 'P1', email: null }] });
    expect(res.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});

describe('WebSocket', () => {
  test.each([
    ['no connection parameters', undefined],
    ['an unknown API key', { apiKey: 'c360_not-a-key' }],
    ['a bad bearer token', { authorization: 'Bearer a.b.c' }],
  ])('%s: closed with 4401 before any data', async (_name, params) => {
    const ws = await RawGraphqlWs.connect(t.url, params);
    ws.subscribe('1', 'subscription { customerActivity(customerId: "P1") { type } }');
    expect(await ws.closed).toEqual({ code: 4401, reason: 'Unauthorized' });
    expect(await ws.next()).toBeNull();
  });

  test('a personalisation key in connectionParams subscribes and receives activity', async () => {
    const ws = await RawGraphqlWs.connect(t.url, { apiKey: PERSONALISATION_KEY });
    expect(await ws.next()).toEqual({ type: 'connection_ack' });
    const before = t.gateway.bus.subscriberCount();
    ws.subscribe('1', 'subscription { customerActivity(customerId: "P1") { customerId type } }');
    for (let i = 0; i < 500 && t.gateway.bus.subscriberCount() === before; i++) await new Promise((r) => setTimeout(r, 10));
    await t.gateway.sink.write([{ ...order, row: { ...(order.row as object), order_id: 'P1-o2' } } as IngestRecord]);
    expect(await ws.next()).toEqual({ id: '1', type: 'next', payload: { data: { customerActivity: { customerId: 'P1', type: 'ONLINE_ORDER' } } } });
    ws.close();
  });

  test('a support token as "authorization" in connectionParams is accepted', async () => {
    const ws = await RawGraphqlWs.connect(t.url, { authorization: `Bearer ${await token({ role: 'support' })}` });
    expect(await ws.next()).toEqual({ type: 'connection_ack' });
    ws.close();
  });

  test('a page from another origin may not open a socket', async () => {
    await expect(RawGraphqlWs.connect(t.url, { apiKey: SUPPORT_KEY }, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
  });
});
