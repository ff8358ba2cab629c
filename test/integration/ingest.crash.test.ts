// SIGKILL the ingesting process while MongoDB and Kafka keep changing, start it again on the same
// data: the profiles then count exactly what was written and produced, nothing lost, nothing twice.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Producer } from 'kafkajs';
import type { Db, ObjectId } from 'mongodb';
import { IngestedActivityDocument, IngestedProfilesDocument } from '../generated/graphql';
import {
  kafkaClient,
  kafkaEnv,
  postGraphQL,
  serviceAddresses,
  startChildGateway,
  uniqueName,
  type ChildGateway,
  openSources,
  type Sources,
} from '../utils/ingest';
import { expectedProfiles, profileFacts } from '../utils/ingest.oracle';
import { waitFor } from '../utils/services';
import { expectDataDirRollupsMatchSources } from '../utils/verify';
import { prng } from '../../src/ingest/demo/generator';

const name = uniqueName('c360-crash');
const database = name.replace(/-/g, '_');
const kafkaSettings = kafkaEnv(name);
const dataDir = mkdtempSync(path.join(tmpdir(), 'c360-crash-'));
const env = {
  ...kafkaSettings,
  MONGO_URL: serviceAddresses().mongoUrl,
  MONGO_DATABASE: database,
  CLICKHOUSE_DATA_DIR: dataDir,
  MAX_IDS: '1000',
  MAX_FIRST: '1000',
};
const kafka = kafkaClient(name);
const CUSTOMERS = Array.from({ length: 20 }, (_, i) => `X${String(i).padStart(2, '0')}`);
const ROUNDS = 30;
const BASE = Date.UTC(2024, 2, 1);

let sources: Sources;
let db: Db;
let producer: Producer;

/** What was produced to Kafka, as the profiles must count it. */
const sent = {
  /** Distinct page views per customer (a view produced twice is one view). */
  views: new Map<string, Set<string>>(),
  /** Per email: its customer, date and the flags of its latest message. */
  emails: new Map<string, { user: string; date: number; opened: boolean }>(),
};

const rand = prng(3603);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

const orderIds: Array<{ collection: string; _id: ObjectId }> = [];
const sentViews: Array<Record<string, unknown>> = [];

/** One round of changes: orders inserted, updated and deleted, a customer renamed, page views and emails produced (some twice). */
async function round(r: number): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const collection = i < 3 ? 'online_orders' : 'instore_orders';
    const items = Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, k) => ({ product_name: `P${k}`, price: 0.25 * Math.floor(rand() * 400), quantity: 1 + (k % 2) }));
    const doc = { user_id: pick(CUSTOMERS), date: new Date(BASE + r * 3_600_000 + i), items, ...(i < 3 ? { delivery_address: 'Somewhere' } : { store: { id: 'S', city: 'Derby' } }) };
    const { insertedId } = await db.collection(collection).insertOne(doc);
    orderIds.push({ collection, _id: insertedId });
  }
  const updated = pick(orderIds);
  await db.collection(updated.collection).updateOne({ _id: updated._id }, { $set: { user_id: pick(CUSTOMERS), items: [{ product_name: 'Updated', price: r }] } });
  if (r % 2 === 1) {
    const [deleted] = orderIds.splice(Math.floor(rand() * orderIds.length), 1);
    await db.collection(deleted!.collection).deleteOne({ _id: deleted!._id });
  }
  await db.collection('customers').updateOne({ id: pick(CUSTOMERS) }, { $set: { first_name: `Renamed${r}` } });

  const views: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 40; i++) {
    const user = pick(CUSTOMERS);
    const view = { user_id: user, date: BASE + r * 3_600_000 + i * 1000, page: i % 10 === 0 ? 'login_success.html' : `p${i}.html`, error_message: i % 13 === 0 ? 'Oops' : null };
    views.push(view);
    sentViews.push(view);
  }
  // Five earlier views produced again, as a producer that retried would.
  for (let i = 0; i < 5; i++) views.push(pick(sentViews));
  for (const v of views) {
    const user = String(v['user_id']);
    if (!sent.views.has(user)) sent.views.set(user, new Set());
    sent.views.get(user)!.add(`${String(v['date'])}|${String(v['page'])}`);
  }
  await producer.send({ topic: kafkaSettings.KAFKA_TOPIC_WEBLOGS, messages: views.map((v) => ({ key: String(v['user_id']), value: JSON.stringify(v) })) });

  const emails: Array<{ email_id: string; user_id: string; date: number; email_opened: boolean; email_clicked: boolean }> = [];
  for (let i = 0; i < 5; i++) emails.push({ email_id: `E${r}-${i}`, user_id: pick(CUSTOMERS), date: BASE + r * 3_600_000 + i, email_opened: false, email_clicked: false });
  // Two earlier emails opened since: a later message for the same email replaces it.
  for (let i = 0; i < 2 && sent.emails.size > 0; i++) {
    const [emailId, e] = pick([...sent.emails.entries()]);
    emails.push({ email_id: emailId, user_id: e.user, date: e.date, email_opened: true, email_clicked: true });
  }
  for (const e of emails) sent.emails.set(e.email_id, { user: e.user_id, date: e.date, opened: e.email_opened });
  await producer.send({ topic: kafkaSettings.KAFKA_TOPIC_EMAILS, messages: emails.map((e) => ({ key: e.user_id, value: JSON.stringify(e) })) });
}

async function start(): Promise<ChildGateway> {
  return (sources.child = await startChildGateway(env, 'ingesters started', 90_000));
}

beforeAll(async () => {
  sources = await openSources(database, kafka, kafkaSettings, dataDir);
  ({ db, producer } = sources);
  await db.collection('customers').insertMany(CUSTOMERS.map((id) => ({ id, first_name: id, last_name: 'Crash', dob: '1980-01-01' })));
}, 60_000);

afterAll(() => sources?.close());

test('after a SIGKILL mid-stream and a restart, the counts equal exactly what was written and produced', async () => {
  const first = await start();

  let done = 0;
  const progress = new Map<number, () => void>();
  const reached = (n: number) => (done >= n ? Promise.resolve() : new Promise<void>((resolve) => progress.set(n, resolve)));
  const writer = (async () => {
    for (let r = 0; r < ROUNDS; r++) {
      await round(r);
      done = r + 1;
      progress.get(done)?.();
    }
  })();

  // Kill it while changes keep arriving, once each collection has a resume token stored. The sink
  // writes batches one after another, its checkpoint last, and a profile changes when its batch stores the
  // states, before that batch's checkpoint. The first change can be the snapshot (its checkpoint may hold no
  // token yet), so once a collection's profiles have changed three times, the batch before the latest one is a
  // change stream batch and fully committed, resume token included.
  await reached(4);
  const stateOf = async () => {
    const customers = (await postGraphQL(first.url, IngestedProfilesDocument, { ids: CUSTOMERS })).data?.customers ?? [];
    return {
      customers: JSON.stringify(customers.map((c) => c?.firstName)),
      online: JSON.stringify(customers.map((c) => c?.purchaseStats.online.orders)),
      instore: JSON.stringify(customers.map((c) => c?.purchaseStats.instore.orders)),
    };
  };
  let seen = await stateOf();
  const changes = { customers: 0, online: 0, instore: 0 };
  await waitFor(
    async () => {
      const now = await stateOf();
      for (const k of ['customers', 'online', 'instore'] as const) if (now[k] !== seen[k]) changes[k]++;
      seen = now;
      return changes.customers >= 3 && changes.online >= 3 && changes.instore >= 3;
    },
    { timeoutMs: 30_000, what: 'the first process to commit change stream batches of every collection' },
  );
  await reached(12);
  expect(await first.kill('SIGKILL')).toBeNull();
  sources.child = null;

  // More changes while nothing ingests, then the process again on the same data directory.
  await reached(20);
  const second = await start();
  await writer;

  // MongoDB: every profile as the collections say, exactly.
  let last: unknown;
  await waitFor(
    async () => {
      const expected = await expectedProfiles(db, CUSTOMERS);
      const res = await postGraphQL(second.url, IngestedProfilesDocument, { ids: CUSTOMERS });
      last = { expected, actual: res.data ? profileFacts(res.data.customers) : res.errors };
      return JSON.stringify((last as { actual: unknown }).actual) === JSON.stringify(expected);
    },
    { timeoutMs: 60_000, what: 'the profiles to match the collections' },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${JSON.stringify(last)}`);
  });

  // Kafka: each distinct page view once, each email once with the flags of its latest message.
  const expectedKafka = CUSTOMERS.map((id) => {
    const emails = [...sent.emails.values()].filter((e) => e.user === id);
    const opened = emails.filter((e) => e.opened).map((e) => e.date);
    return {
      id,
      views: sent.views.get(id)?.size ?? 0,
      emails: emails.length,
      lastEmailOpened: opened.length > 0 ? new Date(Math.max(...opened)).toISOString() : null,
    };
  });
  const actualKafka = async () =>
    Promise.all(
      CUSTOMERS.map(async (id) => {
        const views = await postGraphQL(second.url, IngestedActivityDocument, { id, first: 1000, types: ['WEBSITE_VISIT', 'LOGIN', 'WEBSITE_ERROR'] });
        const emails = await postGraphQL(second.url, IngestedActivityDocument, { id, first: 1000, types: ['EMAIL_SENT'] });
        return {
          id,
          views: views.data?.customer?.timeline.edges.length ?? views.errors,
          emails: emails.data?.customer?.timeline.edges.length ?? emails.errors,
          lastEmailOpened: emails.data?.customer?.lastActivity.lastEmailOpened ?? null,
        };
      }),
    );
  await waitFor(async () => JSON.stringify((last = await actualKafka())) === JSON.stringify(expectedKafka), {
    timeoutMs: 60_000,
    what: 'page views and emails to be counted exactly once',
  }).catch((error: Error) => {
    throw new Error(`${error.message}\nexpected ${JSON.stringify(expectedKafka)}\nactual ${JSON.stringify(last)}`);
  });

  // The second process went on from the stored resume tokens, not from a new snapshot.
  const resumed = second.lines.filter((l) => l['msg'] === 'change stream resumed from the stored token').map((l) => l['collection']);
  expect(resumed.sort()).toEqual(['customers', 'instore_orders', 'online_orders']);

  // And every rollup field equals a recomputation from the source tables the process left.
  expect(await second.kill('SIGTERM')).toBe(0);
  sources.child = null;
  await expectDataDirRollupsMatchSources(dataDir);
}, 240_000);
