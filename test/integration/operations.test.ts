import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { hashApiKey } from '../../src/auth/credentials';
import { loadConfig } from '../../src/config';
import { startGateway, type Gateway } from '../../src/gateway';
import type { IngestRecord } from '../../src/ingest/records';
import { createLogger } from '../../src/logger';
import type { ClickHouseStore } from '../../src/store/clickhouse';
import { RawGraphqlWs } from '../utils/ws';

// Health, readiness, metrics, logs and graceful shutdown, on a gateway whose log lines the test reads.

const API_KEY = 'c360_operations-test-key-0123456789';
const JWT_SECRET = 'operations-test-jwt-secret-0123456789abcdef';
const METRICS_TOKEN = 'operations-test-metrics-token-0123456789';

let dataDir: string;
let gateway: Gateway;
let logOutput = '';
const logs = new Writable({
  write(chunk, _encoding, done) {
    logOutput += String(chunk);
    done();
  },
});
const logLines = () =>
  logOutput
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

async function start(): Promise<Gateway> {
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    CLICKHOUSE_DATA_DIR: dataDir,
    DEMO: 'false',
    // Nothing is written by the timer: only an explicit flush (or close) commits, so the shutdown test
    // shows that close() writes what is buffered.
    SINK_FLUSH_MS: '60000',
    LOG_LEVEL: 'trace',
    AUTH_API_KEYS: `${hashApiKey(API_KEY)}:support:ops`,
    AUTH_JWT_SECRET: JWT_SECRET,
  });
  return startGateway(config, createLogger(config.logLevel, {}, logs));
}

async function graphql(query: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

const customer = (id: string): IngestRecord => ({
  kind: 'customer',
  row: { id, source_id: id, first_name: id, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null },
});

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'c360-ops-'));
  gateway = await start();
  const written = gateway.sink.write([customer('O1')]);
  await gateway.sink.flush();
  await written;
});
afterAll(async () => {
  await gateway?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('endpoints', () => {
  test('/healthz answers while the process runs', async () => {
    const res = await fetch(`${gateway.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('/readyz checks ClickHouse and migrations, and any check a source adds', async () => {
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { clickhouse: { ok: true }, migrations: { ok: true } } });

    const remove = gateway.readiness.add({ name: 'kafka', check: async () => ({ ok: false, detail: { lagSeconds: 900 } }) });
    const behind = await fetch(`${gateway.url}/readyz`);
    expect(behind.status).toBe(503);
    expect(await behind.json()).toMatchObject({ status: 'not ready', checks: { kafka: { ok: false, detail: { lagSeconds: 900 } } } });

    remove();
    gateway.readiness.add({ name: 'broken', check: () => Promise.reject(new Error('no connection')) });
    const broken = await fetch(`${gateway.url}/readyz`);
    expect(broken.status).toBe(503);
    expect(await broken.json()).toMatchObject({ checks: { broken: { ok: false, detail: 'no connection' } } });
  });

  test('/metrics reports requests by operation, ClickHouse statements, the sink and subscriptions', async () => {
    await graphql('query OpsProfile { customer(id: "O1") { id firstName } }');
    const res = await fetch(`${gateway.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^customer360_graphql_request_duration_seconds_count\{operation="OpsProfile",type="query",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^customer360_clickhouse_query_duration_seconds_count\{kind="query",label="profile",outcome="ok"\} \d+$/m);
    expect(text).toMatch(/^customer360_sink_rows_written_total 1$/m);
    expect(text).toMatch(/^customer360_sink_batches_written_total 1$/m);
    expect(text).toMatch(/^customer360_active_subscriptions 0$/m);
    for (const name of ['customer360_ingested_events_total', 'customer360_ingest_lag_seconds', 'customer360_dead_letters_total', 'customer360_freshness_seconds']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });
});

describe('logs', () => {
  test('an internal error is masked for the client and logged with the request id the client gets', async () => {
    const store = gateway.store as ClickHouseStore;
    const original = store.query.bind(store);
    store.query = (async (label: string, sql: string, params?: Record<string, unknown>) => {
      if (label === 'profile') throw new Error('disk on fire at /var/lib/clickhouse');
      return original(label, sql, params);
    }) as ClickHouseStore['query'];
    try {
      const res = await graphql('{ customer(id: "O1") { id purchaseStats { totalOrders } } }', { 'x-request-id': 'ops-req-1' });
      expect(res.headers.get('x-request-id')).toBe('ops-req-1');
      expect(res.body.errors).toEqual([
        { message: 'Internal server error', locations: [{ line: 1, column: 3 }], path: ['customer'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'ops-req-1' } },
      ]);
      expect(JSON.stringify(res.body)).not.toContain('disk on fire');
    } finally {
      store.query = original;
    }
    const line = logLines().find((l) => l['msg'] === 'internal error while resolving a request');
    expect(line).toMatchObject({ level: 50, requestId: 'ops-req-1', err: { message: 'disk on fire at /var/lib/clickhouse' } });
  });

  test('a client request id that is not a plain token is replaced', async () => {
    const res = await graphql('{ __typename }', { 'x-request-id': 'bad id {with} "quotes" and spaces' });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('secrets never reach a log line: credentials in headers and connection parameters, the JWT secret in the config', async () => {
    const config = loadConfig({ HOST: '127.0.0.1', AUTH_JWT_SECRET: JWT_SECRET, AUTH_API_KEYS: `${hashApiKey(API_KEY)}:support:ops`, METRICS_TOKEN });
    const logger = createLogger('trace', {}, logs);
    logger.info({ config }, 'configuration');
    logger.info({ headers: { authorization: `ApiKey ${API_KEY}`, 'x-api-key': API_KEY } }, 'headers');
    logger.info({ connectionParams: { apiKey: API_KEY } }, 'connection');
    await graphql('{ __typename }', { authorization: `ApiKey ${API_KEY}` });
    await graphql('{ __typename }', { 'x-api-key': `${API_KEY}-wrong` });
    const ws = await RawGraphqlWs.connect(gateway.url, { apiKey: `${API_KEY}-wrong` });
    await ws.closed;
    await new Promise((r) => setImmediate(r));
    expect(logOutput).toContain('"msg":"configuration"');
    expect(logOutput).toContain('[redacted]');
    expect(logOutput).not.toContain(API_KEY);
    expect(logOutput).not.toContain(JWT_SECRET);
    expect(logOutput).not.toContain(METRICS_TOKEN);
    // Request-scoped lines carry the request id.
    const served = logLines().filter((l) => l['msg'] === 'request served');
    expect(served.length).toBeGreaterThan(0);
    for (const l of served) expect(typeof l['requestId']).toBe('string');
  });
});

describe('graceful shutdown', () => {
  test('close(): subscribers get a normal close, new connections are refused, the request in flight completes, buffered records survive a restart', async () => {
    const ws = await RawGraphqlWs.connect(gateway.url, { apiKey: API_KEY });
    expect(await ws.next()).toEqual({ type: 'connection_ack' });
    ws.subscribe('1', 'subscription { customerActivity(customerId: "O1") { type } }');
    for (let i = 0; i < 500 && gateway.bus.subscriberCount() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(gateway.bus.subscriberCount()).toBe(1);

    // A request held inside its ClickHouse query while close() starts.
    const store = gateway.store as ClickHouseStore;
    const original = store.query.bind(store);
    let entered: () => void = () => undefined;
    const inQuery = new Promise<void>((r) => (entered = r));
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    store.query = (async (label: string, sql: string, params?: Record<string, unknown>) => {
      if (label === 'profile') {
        entered();
        await held;
      }
      return original(label, sql, params);
    }) as ClickHouseStore['query'];
    const inFlight = graphql('{ customer(id: "O1") { id firstName } }');
    await inQuery;

    // Records handed to the sink just before close, not yet committed (no flush timer fires here).
    const written = gateway.sink.write([customer('O2'), customer('O3')]);
    expect(gateway.sink.stats.rowsWritten).toBe(1);
    const closed = gateway.close();

    expect(await ws.closed).toEqual({ code: 1001, reason: 'Going away' });
    for (let i = 0; i < 500 && gateway.httpServer.listening; i++) await new Promise((r) => setTimeout(r, 10));
    expect(gateway.httpServer.listening).toBe(false);
    const port = new URL(gateway.url).port;
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');

    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { customer: { id: 'O1', firstName: 'O1' } } });
    await written;
    await closed;
    expect(gateway.bus.subscriberCount()).toBe(0);
    expect(logLines().some((l) => l['msg'] === 'customer360 gateway stopped')).toBe(true);

    // The same data directory, a new process's worth of gateway: the records are there.
    gateway = await start();
    const after = await graphql('{ customers(ids: ["O1", "O2", "O3"]) { id } }');
    expect(after.body).toEqual({ data: { customers: [{ id: 'O1' }, { id: 'O2' }, { id: 'O3' }] } });
  });
});
