import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { hashApiKey } from '../../src/auth/credentials';
import { loadConfig } from '../../src/config';
import type { IngestRecord } from '../../src/ingest/records';
import { createLogger } from '../../src/logger';
import { parseSegments, reloadSegmentsFile } from '../../src/segments/definitions';
import { startGateway } from '../../src/gateway';
import { SegmentChangeBus } from '../../src/segments/bus';
import { SegmentEngine } from '../../src/segments/engine';
import type { SegmentChange } from '../../src/segments/evaluate';
import type { ClickHouseStore } from '../../src/store/clickhouse';
import { startTestGateway, type TestGateway } from '../utils/gateway';

const DAY = 86_400_000;
// Noon UTC a few days ahead of the real clock: segment_timers expires rows whose instant is a week past.
const T0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 3 * 86_400_000 + 12 * 3_600_000;
/** YYYY-MM-DD of T0 plus `days`, `years` earlier. */
const dateOf = (days: number, yearsBefore: number) => {
  const d = new Date(T0 + days * 86_400_000);
  d.setUTCFullYear(d.getUTCFullYear() - yearsBefore);
  return d.toISOString().slice(0, 10);
};
let now = T0;
const SUPPORT_KEY = 'c360_segments-support-key';
const PERSONALISATION_KEY = 'c360_segments-personalisation-key';
const support = { 'x-api-key': SUPPORT_KEY };
const personalisation = { 'x-api-key': PERSONALISATION_KEY };

const SEGMENTS = `
segments:
  - name: spender
    description: Spent 100 or more
    condition: { total_spent: { ">=": 100 } }
  - name: french
    condition: { country: France }
  - name: lapsed
    condition:
      and:
        - total_orders: { ">=": 1 }
        - last_order: { older_than: 90 days }
  - name: checkout
    condition: { error_count(checkout.html): { ">=": 1 } }
  - name: engaged
    condition: { last_email_opened: { within: 30 days } }
  - name: adult
    condition: { age: { ">=": 18 } }
`;

let t: TestGateway;
let dir: string;

const customer = (id: string, country: string | null, dob: string | null = null, deleted: 0 | 1 = 0): IngestRecord => ({
  kind: 'customer',
  row: { id, source_id: `src-${id}`, first_name: 'Ada', last_name: id, gender: null, dob, email: null, street: null, city: null, postcode: null, country, deleted },
});
const order = (user: string, id: string, date: number, price: number, deleted: 0 | 1 = 0): IngestRecord => ({
  kind: 'order',
  row: { user_id: user, channel: 'online', order_id: id, date, item_names: ['Boots'], item_prices: [price], item_quantities: [1], location: null, deleted },
});
const email = (user: string, id: string, date: number, opened: 0 | 1): IngestRecord => ({ kind: 'email', row: { user_id: user, email_id: id, date, opened, clicked: 0 } });
const pageView = (user: string, key: string, date: number, page: string, error: string | null): IngestRecord => ({
  kind: 'weblog',
  row: { user_id: user, date, page, error_message: error, event_key: key },
});

/** Writes records and waits until the segments have evaluated the customers they touched. */
async function write(...records: IngestRecord[]): Promise<void> {
  await t.gateway.sink.write(records);
  await t.gateway.segments.idle();
}

async function segmentsOf(id: string): Promise<string[]> {
  const res = await t.graphql<{ customer: { segments: Array<{ segment: string; since: string }> } | null }>(
    'query($id: ID!) { customer(id: $id) { segments { segment since } } }',
    { id },
    support,
  );
  expect(res.errors).toBeUndefined();
  return (res.data!.customer?.segments ?? []).map((s) => s.segment).sort();
}

async function size(name: string): Promise<number | null> {
  const res = await t.graphql<{ segment: { size: number } | null }>('query($name: String!) { segment(name: $name) { size } }', { name }, support);
  expect(res.errors).toBeUndefined();
  return res.data!.segment?.size ?? null;
}

interface Change {
  id: string;
  segment: string;
  customerId: string;
  kind: 'ENTERED' | 'EXITED';
  at: string;
}

function subscribeChanges(variables: { segment?: string; customerId?: string }, key = SUPPORT_KEY) {
  const client = createClient({ url: `${t.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { apiKey: key } });
  const changes: Change[] = [];
  const errors: unknown[] = [];
  let resolveStarted: () => void;
  const started = new Promise<void>((resolve) => (resolveStarted = resolve));
  client.on('connected', () => setTimeout(() => resolveStarted(), 100));
  const unsubscribe = client.subscribe<{ segmentChanges: Change }>(
    { query: 'subscription($segment: String, $customerId: ID) { segmentChanges(segment: $segment, customerId: $customerId) { id segment customerId kind at } }', variables },
    { next: (r) => (r.data ? changes.push(r.data.segmentChanges) : errors.push(...(r.errors ?? []))), error: (e) => errors.push(e), complete: () => undefined },
  );
  return {
    changes,
    errors,
    started,
    async close() {
      unsubscribe();
      await client.dispose();
    },
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'c360-segments-'));
  await writeFile(path.join(dir, 'segments.yml'), SEGMENTS);
  t = await startTestGateway(
    {
      SEGMENTS_FILE: path.join(dir, 'segments.yml'),
      SEGMENTS_RECHECK_MS: '0',
      AUTH_API_KEYS: `${hashApiKey(SUPPORT_KEY)}:support:desk,${hashApiKey(PERSONALISATION_KEY)}:personalisation:recommender`,
    },
    { clock: () => now },
  );
  await t.gateway.segmentsReady;
});
afterAll(() => t?.close());

describe('membership after each kind of change', () => {
  test('an order enters a customer; an update below the threshold and a delete take them out', async () => {
    await write(customer('A1', 'Spain'), order('A1', 'A1-o1', T0 - DAY, 150));
    expect(await segmentsOf('A1')).toEqual(['spender']);
    expect(await size('spender')).toBe(1);
    await write(order('A1', 'A1-o1', T0 - DAY, 50));
    expect(await segmentsOf('A1')).toEqual([]);
    await write(order('A1', 'A1-o2', T0 - DAY, 60));
    expect(await segmentsOf('A1')).toEqual(['spender']);
    await write(order('A1', 'A1-o2', T0 - DAY, 60, 1));
    expect(await segmentsOf('A1')).toEqual([]);
    expect(await size('spender')).toBe(0);
  });

  test('customer details: an update of the country enters and leaves; a deleted customer is in no segment', async () => {
    await write(customer('A2', 'Spain', '1990-01-01'));
    expect(await segmentsOf('A2')).toEqual(['adult']);
    await write(customer('A2', 'France', '1990-01-01'));
    expect(await segmentsOf('A2')).toEqual(['adult', 'french']);
    await write(customer('A2', 'France', '1990-01-01', 1));
    const stored = await t.gateway.store.query<{ segment: string }>('t', "SELECT segment FROM segment_members FINAL WHERE customer_id = 'A2'");
    expect(stored).toEqual([]);
  });

  test('a page view with a checkout error, and an opened email', async () => {
    await write(customer('A3', null), pageView('A3', 'v1', T0 - DAY, 'basket.html', 'Item out of stock'));
    expect(await segmentsOf('A3')).toEqual([]);
    await write(pageView('A3', 'v2', T0 - DAY, 'checkout.html', 'Card declined'));
    expect(await segmentsOf('A3')).toEqual(['checkout']);
    await write(email('A3', 'e1', T0 - DAY, 0));
    expect(await segmentsOf('A3')).toEqual(['checkout']);
    await write(email('A3', 'e1', T0 - DAY, 1));
    expect(await segmentsOf('A3')).toEqual(['checkout', 'engaged']);
  });

  test('a customer with activity but no customer document is in no segment until it arrives', async () => {
    await write(order('A4', 'A4-o1', T0 - DAY, 500));
    expect(await t.gateway.store.query('t', "SELECT * FROM segment_members FINAL WHERE customer_id = 'A4'")).toEqual([]);
    await write(customer('A4', 'France'));
    expect(await segmentsOf('A4')).toEqual(['french', 'spender']);
  });
});

describe('failures', () => {
  test('a round that fails is evaluated again, and its changes published once stored', async () => {
    await t.gateway.sink.write([customer('R1', 'Peru')]);
    const store = t.gateway.store;
    let failures = 1;
    // The evaluation query fails once, as when ClickHouse is briefly unreachable.
    const flaky = Object.create(store) as ClickHouseStore;
    flaky.query = (label, sql, params) => (label === 'segmentEvaluation' && failures-- > 0 ? Promise.reject(new Error('connection reset')) : store.query(label, sql, params));
    const bus = new SegmentChangeBus();
    const changes = bus.subscribe({ segment: null, customerId: 'R1' });
    const engine = new SegmentEngine(flaky, bus, parseSegments('segments:\n  - name: peru\n    condition: { country: Peru }\n'), createLogger('silent'), {
      recheckMs: 0,
      nextVersion: () => t.gateway.sink.nextVersion(),
      retryDelayMs: 50,
    });
    engine.touched(['R1']);
    await engine.idle();
    expect(engine.stats).toMatchObject({ failures: 1, changes: 1 });
    const first = (await changes.next()).value as SegmentChange;
    expect(first).toMatchObject({ segment: 'peru', customerId: 'R1', kind: 'ENTERED' });
    await changes.return();
    await engine.stop();
  });
});

describe('the clock', () => {
  test('relative times and ages change membership on schedule, for the customers whose instant passed only', async () => {
    now = T0;
    await write(
      customer('B1', 'Spain'),
      order('B1', 'B1-o1', T0 - 88.5 * DAY, 10),
      customer('B2', 'Spain'),
      email('B2', 'B2-e1', T0 - 29 * DAY, 1),
      // 18 tomorrow.
      customer('B3', 'Spain', dateOf(1, 18)),
      customer('B4', 'Spain'),
      order('B4', 'B4-o1', T0 - 10 * DAY, 10),
    );
    expect(await segmentsOf('B1')).toEqual([]);
    expect(await segmentsOf('B2')).toEqual(['engaged']);
    expect(await segmentsOf('B3')).toEqual([]);
    expect(await t.gateway.segments.recheck()).toBe(0);

    const feed = subscribeChanges({});
    await feed.started;
    now = T0 + 1 * DAY + 1;
    // B2's email is 30 days old and B3 turned 18: exactly those two are evaluated again.
    expect(await t.gateway.segments.recheck()).toBe(2);
    expect(await segmentsOf('B2')).toEqual([]);
    expect(await segmentsOf('B3')).toEqual(['adult']);
    expect(await segmentsOf('B1')).toEqual([]);
    now = T0 + 2 * DAY;
    expect(await t.gateway.segments.recheck()).toBe(1);
    expect(await segmentsOf('B1')).toEqual(['lapsed']);
    expect(await segmentsOf('B4')).toEqual([]);
    await until(() => feed.changes.length === 3, 'three changes');
    const seen = feed.changes.map(({ segment, customerId, kind }) => `${kind} ${segment} ${customerId}`);
    expect(seen.slice(0, 2).sort()).toEqual(['ENTERED adult B3', 'EXITED engaged B2']);
    expect(seen[2]).toBe('ENTERED lapsed B1');
    expect(feed.changes[2]!.at).toBe(new Date(T0 + 2 * DAY).toISOString());
    await feed.close();
    now = T0;
  });
});

describe('segmentChanges', () => {
  test('pushes entries and exits of one segment, and of one customer, once stored, each with its own id', async () => {
    const spender = subscribeChanges({ segment: 'spender' });
    const c5 = subscribeChanges({ customerId: 'C5' }, PERSONALISATION_KEY);
    await Promise.all([spender.started, c5.started]);
    await t.gateway.sink.write([customer('C5', 'France'), order('C5', 'C5-o1', T0 - DAY, 200)]);
    await until(() => spender.changes.length === 1 && c5.changes.length === 2, 'the entries');
    expect(spender.changes[0]).toMatchObject({ segment: 'spender', customerId: 'C5', kind: 'ENTERED' });
    // Pushed only once visible: the membership is already there to read.
    expect(await segmentsOf('C5')).toEqual(['french', 'spender']);
    expect(c5.changes.map((c) => c.segment).sort()).toEqual(['french', 'spender']);
    await t.gateway.sink.write([order('C5', 'C5-o1', T0 - DAY, 200, 1)]);
    await until(() => spender.changes.length === 2, 'the exit');
    expect(spender.changes[1]).toMatchObject({ segment: 'spender', customerId: 'C5', kind: 'EXITED' });
    const ids = [...spender.changes, ...c5.changes].map((c) => c.id);
    expect(new Set(ids).size).toBe(3);
    expect(c5.changes.find((c) => c.segment === 'spender')!.id).toBe(spender.changes[0]!.id);
    expect(spender.errors).toEqual([]);
    await Promise.all([spender.close(), c5.close()]);
  });

  test('an unknown segment is BAD_USER_INPUT', async () => {
    const feed = subscribeChanges({ segment: 'nope' });
    await until(() => feed.errors.length > 0, 'the error');
    expect(feed.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await feed.close();
  });
});

describe('the segments API', () => {
  test('segments lists each with its definition as written and its size; personalisation may read them', async () => {
    const res = await t.graphql<{ segments: Array<{ name: string; description: string | null; definition: string; size: number }> }>(
      '{ segments { name description definition size } }',
      undefined,
      personalisation,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.segments.map((s) => s.name)).toEqual(['spender', 'french', 'lapsed', 'checkout', 'engaged', 'adult']);
    expect(res.data!.segments[0]).toMatchObject({ description: 'Spent 100 or more', definition: '{ total_spent: { ">=": 100 } }' });
    expect(res.data!.segments[2]!.definition).toBe('and:\n  - total_orders: { ">=": 1 }\n  - last_order: { older_than: 90 days }');
    expect(await t.graphql('{ segment(name: "nope") { name } }', undefined, support)).toMatchObject({ data: { segment: null } });
    const own = await t.graphql<{ customer: { segments: Array<{ segment: string }>; firstName: string | null } }>(
      '{ customer(id: "A4") { segments { segment } firstName } }',
      undefined,
      personalisation,
    );
    expect(own.data!.customer.segments.map((s) => s.segment).sort()).toEqual(['french', 'spender']);
    expect(own.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
  });

  test('/metrics counts entries and exits per segment, and the evaluation rounds', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    // A1 entered spender twice and left twice; C5 entered and left once (above).
    expect(value('customer360_segment_changes_total{segment="spender",kind="ENTERED"}')).toBeGreaterThanOrEqual(3);
    expect(value('customer360_segment_changes_total{segment="spender",kind="EXITED"}')).toBeGreaterThanOrEqual(3);
    expect(value('customer360_segment_rounds_total{outcome="ok"}')).toBeGreaterThan(0);
    expect(value('customer360_segment_pending_customers')).toBe(0);
  });

  test('members: pages in id order with Relay cursors', async () => {
    await write(...['M1', 'M2', 'M3', 'M4', 'M5'].map((id) => customer(id, 'France')));
    const page = (after: string | null) =>
      t.graphql<{ segment: { size: number; members: { edges: Array<{ cursor: string; node: { id: string } }>; pageInfo: Record<string, unknown> } } }>(
        'query($after: String) { segment(name: "french") { size members(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }',
        { after },
        support,
      );
    const first = await page(null);
    expect(first.data!.segment.size).toBe(7);
    expect(first.data!.segment.members.edges.map((e) => e.node.id)).toEqual(['A4', 'C5']);
    expect(first.data!.segment.members.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await page(first.data!.segment.members.pageInfo['endCursor'] as string);
    expect(second.data!.segment.members.edges.map((e) => e.node.id)).toEqual(['M1', 'M2']);
    expect(second.data!.segment.members.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true, startCursor: second.data!.segment.members.edges[0]!.cursor });
    const bad = await page('not-a-cursor');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const tooMany = await t.graphql('{ segment(name: "french") { members(first: 100000) { edges { cursor } } } }', undefined, support);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('definitions', () => {
  test('a changed definition is recomputed for every customer; a removed segment is emptied', async () => {
    const before = await size('spender');
    expect(before).toBeGreaterThan(0);
    const changed =
      SEGMENTS.replace('{ total_spent: { ">=": 100 } }', '{ total_spent: { ">=": 400 } }').replace(/ {2}- name: french\n.*\n/, '') +
      '  - name: newcomer\n    condition: { first_order: { within: 30 days } }\n';
    await t.gateway.segments.reload(parseSegments(changed));
    // A4 spent 500: still in; nobody else spent 400.
    expect(await size('spender')).toBe(1);
    expect(await segmentsOf('A4')).toEqual(['newcomer', 'spender']);
    // B1's only order is 88 days old; B4's 10 days.
    expect(await segmentsOf('B1')).toEqual(['lapsed']);
    expect(await segmentsOf('B4')).toEqual(['newcomer']);
    expect(await size('french')).toBeNull();
    const stored = await t.gateway.store.query<{ n: number }>('t', "SELECT count() AS n FROM segment_members FINAL WHERE segment = 'french'");
    expect(Number(stored[0]!.n)).toBe(0);
  });

  test('a reload (SIGHUP) of a file that does not check keeps the segments in force; a good one applies', async () => {
    const names = () => t.gateway.segments.list().map((d) => d.name);
    const before = names();
    const bad = path.join(dir, 'reload-bad.yml');
    await writeFile(bad, 'segments:\n  - name: x\n    condition: { age: { ">": "old" } }\n');
    const errors: string[] = [];
    const logger = { info: () => undefined, error: (_o: object, msg: string) => errors.push(msg) };
    expect(await reloadSegmentsFile(bad, (d) => t.gateway.segments.reload(d), logger)).toBe(false);
    expect(names()).toEqual(before);
    expect(errors[0]).toContain(`${bad}:3:30: "age" >: needs a number`);
    // The original file again: french is back, recomputed for everyone.
    expect(await reloadSegmentsFile(path.join(dir, 'segments.yml'), (d) => t.gateway.segments.reload(d), logger)).toBe(true);
    expect(names()).toEqual(['spender', 'french', 'lapsed', 'checkout', 'engaged', 'adult']);
    expect(await size('french')).toBe(7);
    expect(await size('spender')).toBe(1);
  });

  test('a segments file that does not check stops the start with the file, line and reason', async () => {
    const bad = path.join(dir, 'bad.yml');
    await writeFile(bad, 'segments:\n  - name: x\n    condition: { total_spend: { ">": 1 } }\n');
    const config = loadConfig({ CLICKHOUSE_DATA_DIR: path.join(dir, 'never'), DEMO: 'false', SEGMENTS_FILE: bad, PORT: '0' });
    await expect(startGateway(config, createLogger('silent'))).rejects.toThrow(`${bad}:3:18: unknown field "total_spend"`);
  });
});
