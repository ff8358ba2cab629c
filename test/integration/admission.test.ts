import { request } from 'node:http';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { RawGraphqlWs } from '../utils/ws';

// One admission for HTTP and WebSocket (src/admission): the same document gets the same answer over both,
// schema hints stay hidden while introspection is off, and the open (unauthenticated) gateway answers only
// direct local requests. The gateway here runs open on loopback, with introspection off and a low depth.

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ AUTH_MODE: 'none', GRAPHQL_INTROSPECTION: 'false', QUERY_MAX_DEPTH: '4', QUERY_MAX_ALIASES: '3' });
  await t.gateway.sink.write([
    { kind: 'customer', row: { id: 'A1', source_id: 'A1', first_name: 'Ada', last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null } },
  ]);
});
afterAll(() => t?.close());

type Errors = Array<{ message: string; locations?: unknown; extensions?: Record<string, unknown> }>;

async function overWebSocket(query: string, variables?: Record<string, unknown>): Promise<{ type: unknown; payload: unknown }> {
  const ws = await RawGraphqlWs.connect(t.url);
  expect(await ws.next()).toEqual({ type: 'connection_ack' });
  ws.subscribe('1', query, variables);
  const answer = (await ws.next())!;
  ws.close();
  return { type: answer['type'], payload: answer['payload'] };
}

const REFUSED: Array<[string, string, string]> = [
  ['a syntax error', '{ customer(id: "A1") { id ', 'GRAPHQL_PARSE_FAILED'],
  ['an unknown field', '{ customer(id: "A1") { id nickname } }', 'GRAPHQL_VALIDATION_FAILED'],
  ['introspection while it is off', '{ __schema { queryType { name } } }', 'GRAPHQL_VALIDATION_FAILED'],
  ['brackets nested past 128', `${'{ a '.repeat(200)}${'}'.repeat(200)}`, 'QUERY_TOO_COMPLEX'],
  ['a document deeper than QUERY_MAX_DEPTH', '{ customer(id: "A1") { timeline { edges { node { type } } } } }', 'QUERY_TOO_COMPLEX'],
  ['more aliases than QUERY_MAX_ALIASES', '{ a: __typename b: __typename c: __typename d: __typename }', 'QUERY_TOO_COMPLEX'],
  [
    'more than QUERY_MAX_COST',
    `{ customers(ids: [${Array.from({ length: 100 }, (_, i) => `"C${i}"`).join(',')}]) { a: timeline(first: 100) { edges { cursor } } b: timeline(first: 100) { edges { cursor } } c: timeline(first: 100) { edges { cursor } } } }`,
    'QUERY_TOO_COMPLEX',
  ],
  ['a variable of the wrong type', 'query($id: ID!) { customer(id: $id) { id } }', 'BAD_USER_INPUT'],
  ['a missing operation name', 'query A { __typename } query B { __typename }', 'OPERATION_RESOLUTION_FAILURE'],
];

describe.each(REFUSED)('%s', (_what, query, code) => {
  test(`is refused the same way over HTTP (400) and WebSocket (an error for that operation): ${code}`, async () => {
    const http = await t.graphql(query);
    expect(http.status).toBe(400);
    expect(http.data).toBeUndefined();
    expect((http.errors as Errors)[0]?.extensions?.['code']).toBe(code);
    const ws = await overWebSocket(query);
    expect(ws).toEqual({ type: 'error', payload: http.errors });
  });
});

describe('schema hints while introspection is off', () => {
  test('validation errors say what is wrong without "Did you mean", over both transports', async () => {
    const query = '{ custmer(id: "A1") { id } }';
    const http = await t.graphql(query);
    expect(http.errors).toEqual([{ message: 'Cannot query field "custmer" on type "Query".', locations: [{ line: 1, column: 3 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
    expect((await overWebSocket(query)).payload).toEqual(http.errors);
  });

  test('variables that do not fit lose the hint too', async () => {
    const query = 'query($t: [ActivityType!]) { customer(id: "A1") { timeline(types: $t) { edges { cursor } } } }';
    const http = await t.graphql(query, { t: ['LOGN'] });
    expect(http.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(http.errors?.[0]?.message).toMatch(/Value "LOGN" does not exist in "ActivityType" enum\.$/);
    const ws = await overWebSocket(query, { t: ['LOGN'] });
    expect(JSON.stringify(ws)).toContain('does not exist in \\"ActivityType\\" enum');
    expect(JSON.stringify(ws)).not.toMatch(/Did you mean/);
  });
});

describe('open on loopback, the gateway answers only direct requests', () => {
  test.each([
    ['X-Forwarded-For', { 'x-forwarded-for': '203.0.113.7' }],
    ['Forwarded', { forwarded: 'for=203.0.113.7;proto=https' }],
  ])('a request carrying %s (from a reverse proxy) is refused: 403 FORBIDDEN', async (_name, headers) => {
    const res = await t.graphql('{ customer(id: "A1") { id firstName } }', undefined, headers);
    expect(res.status).toBe(403);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN' });
    expect(res.errors?.[0]?.message).toMatch(/proxy/);
    await expect(RawGraphqlWs.connect(t.url, undefined, headers)).rejects.toThrow(/403/);
  });

  test('a request addressed to another host name is refused (DNS rebinding), over both transports', async () => {
    // fetch sets Host from the URL; node:http sends the one given.
    const status = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ query: '{ __typename }' });
      const req = request(`${t.url}/graphql`, { method: 'POST', headers: { host: 'attacker.example', 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once('error', reject);
      req.end(body);
    });
    expect(status).toBe(403);
    await expect(RawGraphqlWs.connect(t.url, undefined, { host: 'attacker.example' })).rejects.toThrow(/403/);
  });

  test('a direct local request is served', async () => {
    const res = await t.graphql('{ customer(id: "A1") { id firstName } }');
    expect(res.data).toEqual({ customer: { id: 'A1', firstName: 'Ada' } });
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.close();
  });
});
