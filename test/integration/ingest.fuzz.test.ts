// 10,000 hostile Kafka messages and MongoDB documents, interleaved with good ones, into a gateway process:
// broken escapes, NUL bytes, huge strings, deep nesting, wrong types, extreme dates, duplicate keys, bytes that
// are not UTF-8. Every good one lands, within 5 s of being produced (sampled by markers); every bad one is set
// aside with a reason, in rejected_records and (Kafka) on the dead-letter topic; nothing is lost; SIGTERM ends
// the process in time. The figures are printed and written to test-results/ingest-fuzz.json.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'graphql';
import type { Producer } from 'kafkajs';
import type { Db, Document } from 'mongodb';
import { prng } from '../../src/ingest/demo/generator';
import { loadConfig } from '../../src/config';
import { createClickHouseStore } from '../../src/store/clickhouse';
import { kafkaClient, kafkaEnv, openSources, postGraphQL, readTopic, serviceAddresses, startChildGateway, uniqueName, type Sources } from '../utils/ingest';
import { waitFor } from '../utils/services';
import { expectRollupsMatchSources } from '../utils/verify';

const name = uniqueName('c360-ingest-fuzz');
const database = name.replace(/-/g, '_');
const kafkaSettings = kafkaEnv(name);
const dataDir = mkdtempSync(path.join(tmpdir(), 'c360-ingest-fuzz-'));
const GRACE_MS = 3_000;
const MAX_STRING_BYTES = 64 * 1024;
const env = {
  ...kafkaSettings,
  MONGO_URL: serviceAddresses().mongoUrl,
  MONGO_DATABASE: database,
  CLICKHOUSE_DATA_DIR: dataDir,
  MAX_IDS: '1000',
  MAX_FIRST: '1000',
  SHUTDOWN_GRACE_MS: String(GRACE_MS),
  INGEST_MAX_STRING_BYTES: String(MAX_STRING_BYTES),
};
const kafka = kafkaClient(name);
const KAFKA_HOSTILE = 9_000;
const MONGO_HOSTILE = 1_000;
const CUSTOMERS = Array.from({ length: 40 }, (_, i) => `FZ${String(i).padStart(2, '0')}`);
const BASE = Date.UTC(2024, 5, 1);
const rand = prng(4141);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

/** Hostile weblog values: raw text, each certainly refused. */
const HOSTILE_WEBLOGS: Array<(i: number) => string | Buffer> = [
  (i) => `{"user_id":"FZ00","date":"2024-05-01T00:00:00Z","page":"\\ud800","error_message":null,"n":${i}}`,
  (i) => `{"user_id":"FZ01","date":"2024-05-01T00:00:00Z","page":"a\\udc00b","n":${i}}`,
  (i) => `{"user_id":"FZ02","date":"2024-05-01","page":"\\x41","n":${i}}`,
  (i) => JSON.stringify({ user_id: 'FZ03', date: BASE + i, page: 'x'.repeat(MAX_STRING_BYTES + 1) }),
  (i) => `{"user_id":"FZ04","date":${BASE + i},"page":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
  (i) => JSON.stringify({ user_id: 5, date: BASE + i, page: 'p.html' }),
  (i) => JSON.stringify({ user_id: 'FZ06', date: { $date: BASE + i }, page: 'p.html' }),
  (i) => JSON.stringify({ user_id: 'FZ07', date: '1899-12-31T23:59:59Z', page: `p${i}.html` }),
  (i) => JSON.stringify({ user_id: 'FZ08', date: '9999-01-01T00:00:00Z', page: `p${i}.html` }),
  (i) => JSON.stringify({ user_id: 'FZ09', date: -1e20, page: `p${i}.html` }),
  (i) => JSON.stringify({ user_id: 'FZ10', date: '2024-02-30T00:00:00Z', page: `p${i}.html` }),
  (i) => JSON.stringify({ user_id: 'FZ11', date: BASE + i, page: `p${i}.html`, error_message: 42 }),
  () => Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  () => '',
  (i) => JSON.stringify([{ user_id: 'FZ12', n: i }]),
];
const HOSTILE_EMAILS: Array<(i: number) => string> = [
  (i) => JSON.stringify({ email_id: `X${i}`, user_id: 'FZ13', date: BASE, email_opened: 'yes', email_clicked: false }),
  (i) => JSON.stringify({ email_id: `X${i}`, user_id: 'FZ14', date: 2e13, email_opened: true, email_clicked: false }),
  (i) => `{"email_id":"X${i}","user_id":"FZ15","date":${BASE},"email_opened":true,"email_clicked":false,"email_id":${i}}`,
];
/** Hostile documents per collection: each certainly refused. */
const HOSTILE_DOCUMENTS: Array<(i: number) => [string, Document]> = [
  (i) => ['online_orders', { user_id: 'FZ16', date: new Date(BASE), items: [{ product_name: 'Hat', price: 'ten' }], n: i }],
  (i) => ['online_orders', { user_id: 17, date: new Date(BASE), items: [], n: i }],
  (i) => ['instore_orders', { user_id: 'FZ18', date: new Date(Date.UTC(1850, 0, 1)), items: [], n: i }],
  (i) => ['instore_orders', { user_id: 'FZ19', date: new Date(BASE), items: 'many', n: i }],
  (i) => ['customers', { id: `FZBAD${i}`, first_name: 'y'.repeat(MAX_STRING_BYTES + 1) }],
  (i) => ['customers', { id: `FZBAD${i}`, first_name: { nested: { deeper: [[['x']]] } } }],
  (i) => ['online_orders', { user_id: 'FZ20', date: new Date(BASE), items: [{ product_name: [[[['deep']]]], price: 1 }], n: i }],
];

const MARKER_QUERY = parse('query($id: ID!) { customer(id: $id) { lastActivity { lastWebsiteVisit } } }');
const COUNTS_QUERY = parse(`query($id: ID!) { customer(id: $id) { purchaseStats { totalOrders }
  views: timeline(first: 1000, types: [WEBSITE_VISIT, LOGIN, WEBSITE_ERROR]) { edges { cursor } }
  emails: timeline(first: 1000, types: [EMAIL_SENT]) { edges { cursor } } } }`);

let sources: Sources;
let db: Db;
let producer: Producer;

beforeAll(async () => {
  sources = await openSources(database, kafka, kafkaSettings, dataDir);
  ({ db, producer } = sources);
}, 60_000);

afterAll(() => sources?.close());

test('hostile input interleaved with good: every good record lands in time, every bad one is set aside, SIGTERM ends in time', async () => {
  const gateway = (sources.child = await startChildGateway(env, 'ingesters started', 90_000));
  const goodViews = new Map<string, Set<string>>();
  const goodEmails = new Map<string, Set<string>>();
  const goodOrders = new Map<string, number>();
  let kafkaHostile = 0;
  let mongoHostile = 0;
  const stalls: number[] = [];

  /** A marker page view: produced now, polled until the profile shows it. */
  const marker = async (n: number) => {
    const date = BASE + 10_000_000 + n;
    const produced = Date.now();
    await producer.send({ topic: kafkaSettings.KAFKA_TOPIC_WEBLOGS, messages: [{ key: 'FZMARK', value: JSON.stringify({ user_id: 'FZMARK', date, page: `m${n}.html` }) }] });
    await waitFor(
      async () => {
        const res = await postGraphQL<{ customer: { lastActivity: { lastWebsiteVisit: string | null } } | null }, { id: string }>(
          gateway.url,
          MARKER_QUERY,
          { id: 'FZMARK' },
        );
        const seen = res.data?.customer?.lastActivity.lastWebsiteVisit;
        return seen !== undefined && seen !== null && Date.parse(seen) >= date;
      },
      { timeoutMs: 30_000, intervalMs: 20, what: `marker ${n}` },
    ).catch((error: Error) => {
      const problems = gateway.lines.filter((l) => Number(l['level']) >= 40).slice(-10);
      throw new Error(`${error.message}\nthe gateway's last warnings:\n${problems.map((l) => JSON.stringify(l).slice(0, 600)).join('\n')}`);
    });
    stalls.push(Date.now() - produced);
  };
  await db.collection('customers').insertMany([...CUSTOMERS, 'FZMARK'].map((id) => ({ id, first_name: id, last_name: 'Fuzz' })));

  const ROUNDS = 30;
  for (let round = 0; round < ROUNDS; round++) {
    const weblogs: Array<{ key: string; value: string | Buffer }> = [];
    const emails: Array<{ key: string; value: string }> = [];
    for (let i = 0; i < KAFKA_HOSTILE / ROUNDS; i++) {
      const n = round * 1_000 + i;
      const user = pick(CUSTOMERS);
      // A good view, sometimes with NUL bytes or a long (but allowed) page, sometimes sent twice.
      const page = i % 50 === 0 ? `nul\u0000page${n}.html` : i % 97 === 0 ? `long-${'z'.repeat(40_000)}-${n}` : `page${n}.html`;
      const view = { user_id: user, date: BASE + n * 1000, page, error_message: i % 9 === 0 ? 'Timeout' : null };
      weblogs.push({ key: user, value: JSON.stringify(view) });
      if (i % 13 === 0) weblogs.push({ key: user, value: JSON.stringify(view) });
      if (!goodViews.has(user)) goodViews.set(user, new Set());
      goodViews.get(user)!.add(`${view.date}|${page}`);
      if (i % 10 === 0) {
        const email = { email_id: `G${n}`, user_id: user, date: BASE + n, email_opened: i % 20 === 0, email_clicked: false };
        emails.push({ key: user, value: JSON.stringify(email) });
        if (!goodEmails.has(user)) goodEmails.set(user, new Set());
        goodEmails.get(user)!.add(email.email_id);
      }
      // Duplicate keys: JSON keeps the last, so this is a good view of FZ39's.
      if (i % 211 === 0) {
        weblogs.push({ key: 'FZ39', value: `{"user_id":"FZ00","user_id":"FZ39","date":${BASE + n * 1000 + 1},"page":"dup${n}.html"}` });
        if (!goodViews.has('FZ39')) goodViews.set('FZ39', new Set());
        goodViews.get('FZ39')!.add(`${BASE + n * 1000 + 1}|dup${n}.html`);
      }
      // And a hostile message next to it.
      if (i % 10 === 5) {
        emails.push({ key: 'FZX', value: HOSTILE_EMAILS[n % HOSTILE_EMAILS.length]!(n) });
      } else {
        weblogs.push({ key: 'FZX', value: HOSTILE_WEBLOGS[n % HOSTILE_WEBLOGS.length]!(n) as string });
      }
      kafkaHostile++;
    }
    // In small requests: a produce request of over 1 MB is refused by the broker.
    for (let i = 0; i < weblogs.length; i += 10) await producer.send({ topic: kafkaSettings.KAFKA_TOPIC_WEBLOGS, messages: weblogs.slice(i, i + 10) });
    await producer.send({ topic: kafkaSettings.KAFKA_TOPIC_EMAILS, messages: emails });

    for (let i = 0; i < MONGO_HOSTILE / ROUNDS; i++) {
      const n = round * 1_000 + i;
      const user = pick(CUSTOMERS);
      await db.collection(i % 2 ? 'online_orders' : 'instore_orders').insertOne({ user_id: user, date: new Date(BASE + n), items: [{ product_name: 'Good', price: 2.5 }] });
      goodOrders.set(user, (goodOrders.get(user) ?? 0) + 1);
      const [collection, doc] = HOSTILE_DOCUMENTS[n % HOSTILE_DOCUMENTS.length]!(n);
      await db.collection(collection).insertOne(doc);
      mongoHostile++;
    }
    await marker(round);
  }

  // Everything good is in the profiles, counted once.
  const counts = async () =>
    Promise.all(
      CUSTOMERS.map(async (id) => {
        const res = await postGraphQL<
          { customer: { purchaseStats: { totalOrders: number }; views: { edges: unknown[] }; emails: { edges: unknown[] } } | null },
          { id: string }
        >(
          gateway.url,
          COUNTS_QUERY,
          { id },
        );
        const c = res.data?.customer;
        return [id, c?.purchaseStats.totalOrders, c?.views.edges.length, c?.emails.edges.length];
      }),
    );
  const expected = CUSTOMERS.map((id) => [id, goodOrders.get(id) ?? 0, goodViews.get(id)?.size ?? 0, goodEmails.get(id)?.size ?? 0]);
  let actual: unknown;
  await waitFor(async () => JSON.stringify((actual = await counts())) === JSON.stringify(expected), { timeoutMs: 60_000, what: 'every good record' }).catch(
    (error: Error) => {
      throw new Error(`${error.message}\nexpected ${JSON.stringify(expected)}\nactual ${JSON.stringify(actual)}`);
    },
  );
  const lost = expected.reduce((sum, [, o, v, e], i) => {
    const [, ao, av, ae] = (actual as Array<[string, number, number, number]>)[i]!;
    return sum + Math.max(0, (o as number) - ao) + Math.max(0, (v as number) - av) + Math.max(0, (e as number) - ae);
  }, 0);

  // Every hostile Kafka message is on the dead-letter topic.
  const deadLetters = await readTopic(kafka, kafkaSettings.KAFKA_TOPIC_DEAD_LETTER, kafkaHostile, 60_000);
  expect(deadLetters).toHaveLength(kafkaHostile);
  for (const m of deadLetters) expect(m.headers?.['dead-letter.reason']?.toString()).toMatch(/\S/);

  // SIGTERM ends the process within the grace period and a few seconds.
  const signalled = Date.now();
  const code = await gateway.kill('SIGTERM');
  const shutdownMs = Date.now() - signalled;
  sources.child = null;
  expect(code).toBe(0);
  expect(shutdownMs).toBeLessThan(GRACE_MS + 15_000);

  // Every hostile record is in rejected_records with a reason, and every rollup equals its sources.
  const store = await createClickHouseStore(loadConfig({ CLICKHOUSE_DATA_DIR: dataDir, DEMO: 'false', LOG_LEVEL: 'silent' }).clickhouse);
  let setAside: Array<{ source: string; n: number; reasons: string[] }>;
  try {
    setAside = await store.query('test', 'SELECT source, count() AS n, groupUniqArray(reason) AS reasons FROM rejected_records FINAL GROUP BY source ORDER BY source');
    const total = setAside.reduce((sum, s) => sum + Number(s.n), 0);
    expect(total).toBe(kafkaHostile + mongoHostile);
    // Each reason says what was wrong: the whole message, or a field by name, or the engine.
    for (const s of setAside) for (const r of s.reasons) expect(r).toMatch(/^(not JSON|not UTF-8|empty value|not a JSON object: \w+|[\w[\].]+: .+|refused by ClickHouse: .+)$/);
    await expectRollupsMatchSources(store, CUSTOMERS);
  } finally {
    await store.close();
  }

  const figures = {
    kafkaHostile,
    mongoHostile,
    goodKafka: [...goodViews.values()].reduce((n, s) => n + s.size, 0) + [...goodEmails.values()].reduce((n, s) => n + s.size, 0),
    goodMongo: [...goodOrders.values()].reduce((n, v) => n + v, 0) + CUSTOMERS.length,
    setAside: Object.fromEntries(setAside.map((s) => [s.source, Number(s.n)])),
    reasons: [...new Set(setAside.flatMap((s) => s.reasons))].sort(),
    lost,
    longestStallMs: Math.max(...stalls),
    medianStallMs: [...stalls].sort((a, b) => a - b)[Math.floor(stalls.length / 2)],
    shutdownMs,
  };
  console.log(`ingest fuzz: ${JSON.stringify(figures)}`);
  mkdirSync(path.resolve(__dirname, '../../test-results'), { recursive: true });
  writeFileSync(path.resolve(__dirname, '../../test-results/ingest-fuzz.json'), `${JSON.stringify(figures, null, 2)}\n`);
  expect(lost).toBe(0);
  // Every good record lands within 5 s of being produced: the markers sample it.
  expect(figures.longestStallMs).toBeLessThan(5_000);
}, 420_000);
