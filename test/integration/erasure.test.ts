// Erasure: a customer with history in every table is erased, nothing of theirs is left in any table (also on
// disk, also after merges), later Kafka and MongoDB events for them are dropped and counted, and a batch in
// flight cannot bring them back.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { MongoClient, type Db } from 'mongodb';
import WebSocket from 'ws';
import { hashApiKey } from '../../src/auth/credentials';
import { startIngesters, type Ingesters } from '../../src/ingest';
import { IngestSink } from '../../src/ingest/sink';
import { erasedRecordsDropped } from '../../src/observability/metrics';
import { CustomerErasure } from '../../src/privacy/erasure';
import { CUSTOMER_ID_COLUMNS, CUSTOMER_TABLES, TABLES_WITHOUT_CUSTOMER_DATA } from '../../src/privacy/tables';
import { customerIdHash } from '../../src/privacy/tombstone';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { capturedLogger, connectedProducer, createTopics, kafkaClient, kafkaEnv, serviceAddresses, uniqueName } from '../utils/ingest';
import { waitFor } from '../utils/services';
import { expectRollupsMatchSources } from '../utils/verify';

const KEYS = { privacy: 'privacy-key-0123456789', support: 'support-key-0123456789', personalisation: 'personalisation-key-0123456789' };
const as = (role: keyof typeof KEYS) => ({ 'x-api-key': KEYS[role] });

const name = uniqueName('c360-erasure');
const env = kafkaEnv(name);
const kafka = kafkaClient(name);
// Ids that cannot occur in a hex hash by chance, so a search for them in the erasure tables means something.
const GONE = 'ERASE-ME-7';
const KEPT = 'KEEP-ME-8';
const EMAIL = 'ada.lovelace@example.org';

let t: TestGateway;
let mongo: MongoClient;
let db: Db;
let ingesters: Ingesters;

/**
 * Both customers enter `buyers`; `recent-buyers` holds until ten years after the last order, an instant ahead
 * that gives each customer a row in segment_timers.
 */
const SEGMENTS = `segments:
  - name: buyers
    condition: { total_orders: { ">=": 1 } }
  - name: recent-buyers
    condition: { last_order: { within: 3650 days } }
`;

const ERASE = `mutation Erase($customerId: ID!, $reason: String!) {
  eraseCustomer(customerId: $customerId, reason: $reason) { customerId requestedAt completedAt rowsRemoved tables }
}`;
const RECEIPT = `query Receipt($customerId: ID!) { erasure(customerId: $customerId) { customerId requestedAt completedAt rowsRemoved tables } }`;

interface Receipt {
  customerId: string;
  requestedAt: string;
  completedAt: string | null;
  rowsRemoved: number;
  tables: string[];
}

/**
 * Rows of the customer in every table that holds customer data, and records set aside that name them only in
 * the document; `onDisk` also counts rows deleted but still in a part.
 */
async function rowsOf(id: string, onDisk = false): Promise<Record<string, number>> {
  const sql = [
    ...CUSTOMER_TABLES.map((c) => `SELECT '${c.table}' AS t, count() AS n FROM ${c.table} WHERE ${c.column} = {id:String}`),
    `SELECT 'rejected_records (by document)' AS t, count() AS n FROM rejected_records WHERE customer_id = '' AND position(document, {id:String}) > 0`,
  ].join(' UNION ALL ');
  const rows = await t.gateway.store.query<{ t: string; n: number }>('test', sql, { id }, onDisk ? { settings: { apply_deleted_mask: 0 } } : {});
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}

const none = Object.fromEntries([...CUSTOMER_TABLES.map((c) => c.table), 'rejected_records (by document)'].map((t) => [t, 0]));

const customerDoc = (id: string, first: string, email: string) => ({
  id,
  first_name: first,
  last_name: 'Lovelace',
  gender: 'female',
  dob: '1985-12-10',
  email,
  address: { street: '12 St James Sq', city: 'London', postcode: 'SW1Y', country: 'United Kingdom' },
});
const orderDoc = (userId: string, price: number, extra: Record<string, unknown>) => ({
  user_id: userId,
  date: new Date(Date.UTC(2024, 4, 1, 10)),
  items: [{ product_name: 'Analytical Engine', price }],
  ...extra,
});

async function produce(topic: string, messages: Array<{ key?: string; value: string }>): Promise<void> {
  const producer = await connectedProducer(kafka);
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

const weblog = (user: string, n: number, error: string | null = null) =>
  JSON.stringify({ user_id: user, date: Date.UTC(2024, 4, 2) + n * 60_000, page: `page-${n}.html`, error_message: error });
const email = (user: string, n: number) =>
  JSON.stringify({ email_id: `${user}-mail-${n}`, user_id: user, date: Date.UTC(2024, 4, 3) + n, email_opened: true, email_clicked: false });

/** One customer's history in every source, and records set aside that name them. */
async function seed(id: string, mail: string): Promise<void> {
  await db.collection('customers').insertOne(customerDoc(id, id === GONE ? 'Ada' : 'Kept', mail));
  await db.collection('online_orders').insertOne(orderDoc(id, 100, { delivery_address: { city: 'London' } }));
  await db.collection('instore_orders').insertOne(orderDoc(id, 40, { store: { id: 'S1', city: 'Leeds' } }));
  await produce(env.KAFKA_TOPIC_WEBLOGS, [
    { key: id, value: weblog(id, 1) },
    { key: id, value: weblog(id, 2, 'Payment failed') },
    // Set aside: a bad date (the key names the customer), and a message without key that is not JSON (found by
    // the id in it).
    { key: id, value: JSON.stringify({ user_id: id, date: 'the day after', page: 'x.html' }) },
    { value: `{"user_id": "${id}", "page": ` },
  ]);
  await produce(env.KAFKA_TOPIC_EMAILS, [{ key: id, value: email(id, 1) }]);
}

beforeAll(async () => {
  const { mongoUrl } = serviceAddresses();
  const database = uniqueName('c360_erasure').replace(/-/g, '_');
  mongo = new MongoClient(mongoUrl);
  await mongo.connect();
  db = mongo.db(database);
  await createTopics(kafka, [env.KAFKA_TOPIC_WEBLOGS, env.KAFKA_TOPIC_EMAILS, env.KAFKA_TOPIC_DEAD_LETTER]);
  const segmentsFile = path.join(await mkdtemp(path.join(tmpdir(), 'c360-erasure-')), 'segments.yml');
  await writeFile(segmentsFile, SEGMENTS);
  t = await startTestGateway({
    ...env,
    SEGMENTS_FILE: segmentsFile,
    MONGO_URL: mongoUrl,
    MONGO_DATABASE: database,
    AUTH_API_KEYS: Object.entries(KEYS)
      .map(([role, key]) => `${hashApiKey(key)}:${role}:${role}-officer`)
      .join(','),
  });
  ingesters = await startIngesters(t.gateway.config, t.gateway, capturedLogger().logger, { mongo: { feed: { pollIdleMs: 10 } } });
  await ingesters.ready();
  await seed(GONE, EMAIL);
  await seed(KEPT, 'kept@example.org');
  // History in every table, for both customers.
  for (const id of [GONE, KEPT]) {
    await waitFor(
      async () => {
        const rows = await rowsOf(id);
        return Object.values(rows).every((n) => n > 0) && rows['activity']! >= 5 && rows['segment_members']! >= 2;
      },
      { timeoutMs: 30_000, what: `${id} in every table: ${JSON.stringify(await rowsOf(id))}` },
    );
  }
}, 90_000);

afterAll(async () => {
  await ingesters?.stop();
  await t?.close();
  await db?.dropDatabase().catch(() => undefined);
  await mongo?.close();
});

/** segmentChanges as the personalisation role receives them. */
function subscribeExits() {
  const client = createClient({ url: `${t.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { apiKey: KEYS.personalisation } });
  const changes: Array<{ segment: string; customerId: string; kind: string }> = [];
  const started = new Promise<void>((resolve) => client.on('connected', () => setTimeout(resolve, 100)));
  const unsubscribe = client.subscribe<{ segmentChanges: (typeof changes)[number] }>(
    { query: 'subscription { segmentChanges { segment customerId kind } }' },
    { next: (r) => r.data && changes.push(r.data.segmentChanges), error: () => undefined, complete: () => undefined },
  );
  return {
    changes,
    started,
    async close() {
      unsubscribe();
      await client.dispose();
    },
  };
}

describe('the tables an erasure covers', () => {
  test('every table is listed, as customer data or with the reason it holds none; every table with a customer column is erased', async () => {
    const tables = await t.gateway.store.query<{ name: string }>('test', 'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name');
    const covered = new Set(CUSTOMER_TABLES.map((c) => c.table));
    const unclassified = tables.map((r) => r.name).filter((n) => !covered.has(n) && !(n in TABLES_WITHOUT_CUSTOMER_DATA));
    expect(unclassified).toEqual([]);

    const columns = await t.gateway.store.query<{ table: string; name: string; comment: string }>(
      'test',
      'SELECT table, name, comment FROM system.columns WHERE database = currentDatabase()',
    );
    // A column holds a customer id by its name, or by what its comment says (a hash of the id is not the id).
    const holdingCustomers = new Set(
      columns
        .filter((c) => (CUSTOMER_ID_COLUMNS as readonly string[]).includes(c.name) || (/customer id/i.test(c.comment) && !/^SHA-256/.test(c.comment)))
        .map((c) => c.table),
    );
    // A view's columns are its target's; a Null table keeps nothing.
    const kept = [...holdingCustomers].filter((n) => !covered.has(n) && !['rollup_input', 'rollup_input_mv'].includes(n));
    expect(kept).toEqual([]);
    // Each listed column exists.
    for (const c of CUSTOMER_TABLES) expect(columns.some((col) => col.table === c.table && col.name === c.column)).toBe(true);
  });
});

describe('eraseCustomer', () => {
  test('only the privacy role may erase or read receipts; a reason holding personal data is refused', async () => {
    for (const role of ['support', 'personalisation'] as const) {
      const erase = await t.graphql(ERASE, { customerId: GONE, reason: 'DSR-1042' }, as(role));
      expect(erase.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      const receipt = await t.graphql(RECEIPT, { customerId: GONE }, as(role));
      expect(receipt.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    }
    for (const reason of [`request from ${EMAIL}`, `Ada Lovelace asked`, `erase ${GONE.toLowerCase()}`, '  ']) {
      const res = await t.graphql(ERASE, { customerId: GONE, reason }, as('privacy'));
      expect([reason, res.errors?.[0]?.extensions?.['code']]).toEqual([reason, 'BAD_USER_INPUT']);
    }
    expect((await t.graphql(RECEIPT, { customerId: GONE }, as('privacy'))).data).toEqual({ erasure: null });
    // Nothing was removed by the refused attempts.
    expect(Object.values(await rowsOf(GONE)).every((n) => n > 0)).toBe(true);
  });

  test('removes every row of the customer from every table, on disk and after merges, and keeps the others', async () => {
    // Merged first, so that the other customer's row counts below change only if their rows do (a merge
    // alone folds a rollup's or a timer's rows into one).
    for (const c of CUSTOMER_TABLES) await t.gateway.store.command('test', `OPTIMIZE TABLE ${c.table} FINAL`);
    const keptBefore = await rowsOf(KEPT);
    const before = await rowsOf(GONE);
    const exits = subscribeExits();
    await exits.started;
    const res = await t.graphql<{ eraseCustomer: Receipt }>(ERASE, { customerId: GONE, reason: 'DSR-1042 (verified by phone)' }, as('privacy'));
    expect(res.errors).toBeUndefined();
    // Personalisation learns at once that the customer left the segments they were in.
    await waitFor(async () => exits.changes.length >= 2, { timeoutMs: 10_000, what: 'the exits of the erased customer' });
    await exits.close();
    expect(exits.changes.map((c) => [c.segment, c.customerId, c.kind]).sort()).toEqual([
      ['buyers', GONE, 'EXITED'],
      ['recent-buyers', GONE, 'EXITED'],
    ]);
    const receipt = res.data!.eraseCustomer;
    expect(receipt).toMatchObject({ customerId: GONE, tables: CUSTOMER_TABLES.map((c) => c.table) });
    expect(receipt.rowsRemoved).toBe(CUSTOMER_TABLES.reduce((n, c) => n + before[c.table]!, 0) + before['rejected_records (by document)']!);

    // Gone from every query at once; from disk once the receipt is complete.
    expect(await rowsOf(GONE)).toEqual(none);
    const done = await waitFor(
      async () => (await t.graphql<{ erasure: Receipt | null }>(RECEIPT, { customerId: GONE }, as('privacy'))).data?.erasure?.completedAt && true,
      { timeoutMs: 60_000, what: 'the erasure to be verified on disk' },
    );
    expect(done).toBe(true);
    expect(await rowsOf(GONE, true)).toEqual(none);
    for (const c of CUSTOMER_TABLES) await t.gateway.store.command('test', `OPTIMIZE TABLE ${c.table} FINAL`);
    expect(await rowsOf(GONE)).toEqual(none);
    expect(await rowsOf(GONE, true)).toEqual(none);
    expect(await rowsOf(KEPT)).toEqual(keptBefore);

    const profile = await t.graphql(`{ customer(id: "${GONE}") { id } customers(ids: ["${GONE}", "${KEPT}"]) { id } searchCustomers(query: "${EMAIL}") { id } }`, {}, as('support'));
    expect(profile.data).toEqual({ customer: null, customers: [null, { id: KEPT }], searchCustomers: [] });

    // The receipt reads back; the audit says who, when and why, and neither table holds the id or the e-mail.
    const back = await t.graphql<{ erasure: Receipt }>(RECEIPT, { customerId: GONE }, as('privacy'));
    expect(back.data!.erasure).toMatchObject({ customerId: GONE, requestedAt: receipt.requestedAt, rowsRemoved: receipt.rowsRemoved });
    const audit = await t.gateway.store.query<{ event: string; actor: string; role: string; reason: string }>(
      'test',
      'SELECT event, actor, role, reason FROM erasure_audit WHERE id_hash = {h:String} ORDER BY at, event',
      { h: customerIdHash(GONE) },
    );
    expect(audit.map((a) => a.event)).toEqual(['requested', 'removed', 'completed']);
    expect(audit.every((a) => a.actor === 'key:privacy-officer' && a.role === 'privacy' && a.reason === 'DSR-1042 (verified by phone)')).toBe(true);
    for (const table of ['erasures', 'erasure_audit']) {
      const [leak] = await t.gateway.store.query<{ n: number }>(
        'test',
        `SELECT count() AS n FROM ${table} WHERE position(toString(tuple(*)), {id:String}) > 0 OR position(toString(tuple(*)), {email:String}) > 0`,
        { id: GONE, email: EMAIL },
      );
      expect([table, Number(leak!.n)]).toEqual([table, 0]);
    }
    await expectRollupsMatchSources(t.gateway.store);
  });

  test('later Kafka events and MongoDB changes for the erased id are dropped and counted; others still flow', async () => {
    const dropped = async () => {
      const values = (await erasedRecordsDropped.get()).values;
      return Object.fromEntries(values.map((v) => [String(v.labels['source']), v.value]));
    };
    const before = await dropped();
    const droppedBefore = t.gateway.sink.stats.erasedDropped;
    await produce(env.KAFKA_TOPIC_WEBLOGS, [{ key: GONE, value: weblog(GONE, 9) }]);
    await produce(env.KAFKA_TOPIC_EMAILS, [{ key: GONE, value: email(GONE, 9) }]);
    // The customer is still in MongoDB (the operator's part, docs/privacy.md): a change there is dropped too.
    await db.collection('customers').updateOne({ id: GONE }, { $set: { first_name: 'Augusta' } });
    await db.collection('online_orders').insertOne(orderDoc(GONE, 7, { delivery_address: { city: 'London' } }));
    await waitFor(async () => t.gateway.sink.stats.erasedDropped >= droppedBefore + 4, { timeoutMs: 30_000, what: 'four records dropped' });
    const after = await dropped();
    const grew = (source: string) => (after[source] ?? 0) - (before[source] ?? 0);
    expect([grew(`kafka:${env.KAFKA_TOPIC_WEBLOGS}`), grew(`kafka:${env.KAFKA_TOPIC_EMAILS}`), grew('mongo:customers'), grew('mongo:online_orders')]).toEqual([1, 1, 1, 1]);

    // Another customer's events after them are stored: the sources moved on.
    await produce(env.KAFKA_TOPIC_WEBLOGS, [{ key: KEPT, value: weblog(KEPT, 9) }]);
    await waitFor(async () => (await rowsOf(KEPT))['activity']! >= 6, { what: "the other customer's later page view" });
    expect(await rowsOf(GONE)).toEqual(none);

    // A restarted sink knows the tombstone from ClickHouse.
    const sink = new IngestSink(t.gateway.store, t.gateway.bus, t.gateway.config.sink, capturedLogger().logger);
    await new CustomerErasure(t.gateway.store, sink, capturedLogger().logger, { deadlineMs: 60_000, replyWithinMs: 1_000 }).loadTombstones();
    expect([sink.erased.has(GONE), sink.erased.has(KEPT)]).toEqual([true, false]);
  });

  test('a batch in flight for the customer when the erasure starts does not bring their rows back', async () => {
    const id = 'ERASE-IN-FLIGHT-9';
    const store = t.gateway.store;
    await t.gateway.sink.write([{ kind: 'weblog', row: { user_id: id, date: Date.UTC(2024, 0, 1), page: 'a.html', error_message: null, event_key: `${id}-a` } }]);
    // Hold the next batch for the customer after its first insert (activity): the rest of it (the rollup state read
    // before, the source rows) would land after an erasure that did not wait for it.
    const insert = store.insert.bind(store);
    let erasing: Promise<unknown> | null = null;
    const deletes: string[] = [];
    const stopObserving = store.observe((e) => e.kind === 'command' && e.label === 'erasure' && deletes.push(e.label));
    const spy = jest.spyOn(store, 'insert').mockImplementation(async (table, rows) => {
      await insert(table, rows);
      if (table === 'activity' && !erasing && rows.some((r) => (r as { user_id?: string }).user_id === id)) {
        erasing = t.graphql(ERASE, { customerId: id, reason: 'DSR-2001' }, as('privacy'));
        // The erasure may delete now, if it does not wait for the batch: give it the chance to.
        await waitFor(async () => deletes.length > 0, { timeoutMs: 2_000 }).catch(() => undefined);
      }
    });
    try {
      await t.gateway.sink.write([
        { kind: 'customer', row: { id, source_id: `src-${id}`, first_name: 'In', last_name: 'Flight', gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null } },
        { kind: 'weblog', row: { user_id: id, date: Date.UTC(2024, 0, 2), page: 'b.html', error_message: null, event_key: `${id}-b` } },
      ]);
      const res = (await erasing!) as { data?: { eraseCustomer: Receipt } };
      expect(res.data?.eraseCustomer.rowsRemoved).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
      stopObserving();
    }
    expect(await rowsOf(id)).toEqual(none);
    // And the customer's records written afterwards are dropped.
    await t.gateway.sink.write([{ kind: 'weblog', row: { user_id: id, date: Date.UTC(2024, 0, 3), page: 'c.html', error_message: null, event_key: `${id}-c` } }]);
    expect(await rowsOf(id)).toEqual(none);
  });
});
