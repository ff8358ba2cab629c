import type { ClickHouseStore } from '../../src/store/clickhouse';
import { startTestGateway, type TestGateway } from '../utils/gateway';

// Query limits on a gateway with a low depth limit, introspection and GraphiQL off, and a short timeout.

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ QUERY_MAX_DEPTH: '4', GRAPHQL_INTROSPECTION: 'false', GRAPHIQL: 'false', QUERY_TIMEOUT_MS: '3000' });
  await t.gateway.sink.write([
    {
      kind: 'customer',
      row: { id: 'L1', source_id: 'L1', first_name: 'Ada', last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null },
    },
  ]);
});
afterAll(() => t?.close());

async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

const codeOf = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => body.errors?.[0]?.extensions?.['code'];

test('a document deeper than QUERY_MAX_DEPTH: 400 QUERY_TOO_COMPLEX (depth), nothing executed', async () => {
  const before = t.gateway.store.queryCount;
  const res = await t.graphql('{ customer(id: "L1") { timeline { edges { node { type } } } } }');
  expect(res.status).toBe(400);
  expect(res.data).toBeUndefined();
  expect(res.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 4, actual: 5 });
  expect(t.gateway.store.queryCount).toBe(before);
});

test('brackets nested deeper than 128 are refused before parsing: 400 QUERY_TOO_COMPLEX', async () => {
  for (const query of [`${'{ a '.repeat(1_000)}${'}'.repeat(1_000)}`, `{ customers(ids: ${'['.repeat(4_000)}"C1"${']'.repeat(4_000)}) { id } }`]) {
    const res = await t.graphql(query);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 128 });
  }
});

test('a query within the limits runs', async () => {
  const res = await t.graphql('{ customer(id: "L1") { id firstName purchaseStats { online { orders } } } }');
  expect(res.errors).toBeUndefined();
  expect(res.data).toEqual({ customer: { id: 'L1', firstName: 'Ada', purchaseStats: { online: { orders: 0 } } } });
});

test('an alias bomb: 400 QUERY_TOO_COMPLEX (aliases)', async () => {
  const fields = Array.from({ length: 31 }, (_, i) => `a${i}: customer(id: "L1") { id }`).join(' ');
  const res = await t.graphql(`{ ${fields} }`);
  expect(res.status).toBe(400);
  expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 30, actual: 31 });
});

test('a costly query (100 ids × 3 × 100 timeline entries): 400 QUERY_TOO_COMPLEX (cost), also when sized by variables', async () => {
  const ids = Array.from({ length: 100 }, (_, i) => `C${i}`);
  const query =
    'query($ids: [ID!]!, $n: Int) { customers(ids: $ids) { a: timeline(first: $n) { edges { cursor } } b: timeline(first: $n) { edges { cursor } } c: timeline(first: $n) { edges { cursor } } } }';
  const res = await t.graphql(query, { ids, n: 100 });
  expect(res.status).toBe(400);
  expect(res.data).toBeUndefined();
  expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: 50_000 });
  expect(res.errors?.[0]?.extensions?.['actual']).toBeGreaterThan(50_000);
  // The same shape for a few ids costs little and runs.
  const small = await t.graphql(query, { ids: ['L1'], n: 10 });
  expect(small.errors).toBeUndefined();
});

test('argument sizes over MAX_* stay BAD_USER_INPUT (the cost counts them at the bound)', async () => {
  const res = await t.graphql('{ customer(id: "L1") { recentErrors(limit: 100000) { page } } }');
  expect(res.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
});

test('more tokens than QUERY_MAX_TOKENS: 400 GRAPHQL_PARSE_FAILED', async () => {
  const res = await t.graphql(`{ ${'a '.repeat(10_001)} }`);
  expect(res.status).toBe(400);
  expect(codeOf(res)).toBe('GRAPHQL_PARSE_FAILED');
  expect(res.errors?.[0]?.message).toMatch(/contains more tha[nt] 10000 tokens/);
});

test('a body over HTTP_MAX_BODY_BYTES: 413 PAYLOAD_TOO_LARGE with a GraphQL error body', async () => {
  const res = await post(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(200_000) } }));
  expect(res.status).toBe(413);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'PAYLOAD_TOO_LARGE', limit: 102_400 });
});

test('a body that is not JSON: 400 BAD_REQUEST', async () => {
  const res = await post('{"query": "{ __typename }"');
  expect(res.status).toBe(400);
  expect(codeOf(res.body)).toBe('BAD_REQUEST');
});

test('a batch (JSON array): 400, batching is off', async () => {
  const res = await post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
  expect(res.status).toBe(400);
  expect(codeOf(res.body)).toBe('BAD_REQUEST');
});

test('introspection switched off: 400 GRAPHQL_VALIDATION_FAILED', async () => {
  const res = await t.graphql('{ __schema { queryType { name } } }');
  expect(res.status).toBe(400);
  expect(codeOf(res)).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(res.errors?.[0]?.message).toMatch(/introspection/i);
});

test('GraphiQL switched off: /graphiql is not served', async () => {
  expect((await fetch(`${t.url}/graphiql`)).status).toBe(404);
});

test('a request running past QUERY_TIMEOUT_MS: 504 TIMEOUT with its request id; the gateway goes on serving', async () => {
  const store = t.gateway.store as ClickHouseStore & { query: ClickHouseStore['query'] };
  const original = store.query.bind(store);
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  store.query = (async (label: string, sql: string, params?: Record<string, unknown>) => {
    if (label === 'searchCustomers') await held;
    return original(label, sql, params);
  }) as ClickHouseStore['query'];
  try {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'slow-request-1' },
      body: JSON.stringify({ query: '{ searchCustomers(query: "Ada") { id } }' }),
    });
    expect(res.status).toBe(504);
    expect(res.headers.get('x-request-id')).toBe('slow-request-1');
    expect(await res.json()).toEqual({
      errors: [{ message: 'The request did not finish within 3000 ms.', extensions: { code: 'TIMEOUT', requestId: 'slow-request-1' } }],
    });
  } finally {
    release();
    store.query = original;
  }
  const after = await t.graphql('{ customer(id: "L1") { id } }');
  expect(after.data).toEqual({ customer: { id: 'L1' } });
});

test('ClickHouse stops a statement at max_execution_time (QUERY_TIMEOUT_MS rounded up to seconds)', async () => {
  await expect(t.gateway.store.query('runaway', 'SELECT count() FROM system.numbers')).rejects.toThrow(/TIMEOUT_EXCEEDED|Timeout exceeded/i);
});
