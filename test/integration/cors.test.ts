import { hashApiKey } from '../../src/auth/credentials';
import { ErrorCode } from '../../src/errors';
import { startTestGateway, type TestGateway } from '../utils/gateway';

const KEY = 'cors-test-key';
const SHOP = 'https://shop.example.com';
const OTHER = 'https://evil.example.net';

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway({ AUTH_API_KEYS: `${hashApiKey(KEY)}:personalisation:shop`, ALLOWED_ORIGINS: `${SHOP},http://127.0.0.1:1` });
});
afterAll(() => t?.close());

const vary = (response: Response) => (response.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());

function post(origin: string | null, headers: Record<string, string> = { 'x-api-key': KEY }) {
  return fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}), ...headers },
    body: JSON.stringify({ query: '{ customers(ids: ["C1"]) { id } }' }),
  });
}

describe('CORS on /graphql', () => {
  test('a preflight from a listed origin is answered before authentication, for credentials and the headers a client sends', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')?.split(',')).toEqual(expect.arrayContaining(['GET', 'POST']));
    expect(response.headers.get('access-control-allow-headers')?.split(',')).toEqual(
      expect.arrayContaining(['content-type', 'authorization', 'x-api-key', 'apollo-require-preflight']),
    );
    expect(vary(response)).toContain('origin');
  });

  test('an OPTIONS request that is not a preflight gets a GraphQL answer, as any other method', async () => {
    const response = await fetch(`${t.url}/graphql`, { method: 'OPTIONS', headers: { origin: SHOP, 'x-api-key': KEY } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: expect.any(String) } }] });
  });

  test('a request from a listed origin gets its origin back, with credentials, and may read the request id', async () => {
    const response = await post(SHOP);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { customers: [null] } });
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(vary(response)).toContain('origin');
    // Credentials are still required: CORS decides which pages may call, not who.
    expect((await post(SHOP, {})).status).toBe(401);
  });

  test('a request or preflight from any other origin is refused, with no CORS headers', async () => {
    const response = await post(OTHER);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: ErrorCode.FORBIDDEN } }] });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(vary(response)).toContain('origin');
    const preflight = await fetch(`${t.url}/graphql`, { method: 'OPTIONS', headers: { origin: OTHER, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    // An origin differs by scheme and port too.
    expect((await post('http://shop.example.com')).status).toBe(403);
    expect((await post('null')).status).toBe(403);
  });

  test("the gateway's own origin and callers without an Origin (servers) need no listing", async () => {
    expect((await post(t.url)).status).toBe(200);
    const server = await post(null);
    expect(server.status).toBe(200);
    expect(server.headers.get('access-control-allow-origin')).toBeNull();
  });

  test("Apollo's CSRF prevention still refuses what a page can send without a preflight", async () => {
    const get = (headers: Record<string, string>) =>
      fetch(`${t.url}/graphql?query=${encodeURIComponent('{ customers(ids: ["C1"]) { id } }')}`, { headers: { origin: SHOP, 'x-api-key': KEY, ...headers } });
    const simple = await get({});
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/CSRF/);
    expect((await get({ 'apollo-require-preflight': 'true' })).status).toBe(200);
  });
});
