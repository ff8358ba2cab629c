import { MAX_OPERATION_LABELS } from '../../src/observability/metrics';
import { startTestGateway, type TestGateway } from '../utils/gateway';

// /metrics behind its own bearer token, and its labels bounded whatever clients name their operations.

const METRICS_TOKEN = 'metrics-scraper-token-0123456789';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ METRICS_TOKEN });
});
afterAll(() => t?.close());

const scrape = (headers: Record<string, string> = { authorization: `Bearer ${METRICS_TOKEN}` }) => fetch(`${t.url}/metrics`, { headers });

test('with METRICS_TOKEN, /metrics answers only a scraper sending it as a bearer token', async () => {
  const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: METRICS_TOKEN }, { 'x-api-key': METRICS_TOKEN }];
  for (const headers of attempts) {
    const refused = await scrape(headers);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await refused.text()).not.toContain('customer360_');
  }
  const res = await scrape();
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('# TYPE customer360_graphql_request_duration_seconds histogram');
  // The other operational endpoints stay open to the platform's probes.
  expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
});

test('operation names of 20 KB do not become labels: /metrics stays small', async () => {
  const before = (await (await scrape()).text()).length;
  for (let i = 0; i < 30; i++) {
    const name = `Q${i}${'x'.repeat(20_000)}`;
    const res = await t.graphql(`query ${name} { __typename }`);
    expect(res.data).toEqual({ __typename: 'Query' });
  }
  const text = await (await scrape()).text();
  expect(text).not.toContain('x'.repeat(100));
  expect(text).toMatch(/^customer360_graphql_request_duration_seconds_count\{operation="\(other\)",type="query",outcome="ok"\} 30$/m);
  // Thirty 20 KB names as labels made it megabytes; bounded, it grows by one series.
  expect(text.length - before).toBeLessThan(5_000);
});

test('past the most distinct operation names, the rest count as "(other)"', async () => {
  for (let i = 0; i < MAX_OPERATION_LABELS + 20; i++) await t.graphql(`query Op${i} { __typename }`);
  const text = await (await scrape()).text();
  const labels = new Set([...text.matchAll(/^customer360_graphql_request_duration_seconds_count\{operation="([^"]*)"/gm)].map((m) => m[1]));
  expect(labels.size).toBeLessThanOrEqual(MAX_OPERATION_LABELS + 2);
  expect(labels.has('(other)')).toBe(true);
});
