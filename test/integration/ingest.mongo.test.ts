// MongoDB change streams into ClickHouse, against a real MongoDB-wire server with change streams.
import { MongoClient, type Db } from 'mongodb';
import { startIngesters, type Ingesters } from '../../src/ingest';
import type { Logger } from '../../src/logger';
import { IngestedProfilesDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { expectRollupsMatchSources } from '../utils/verify';
import { capturedLogger, serviceAddresses, subscribeActivity, uniqueName } from '../utils/ingest';
import { expectedProfiles, profileFacts } from '../utils/ingest.oracle';
import { waitFor } from '../utils/services';

const COLLECTIONS = ['customers', 'online_orders', 'instore_orders'] as const;

let t: TestGateway;
let mongo: MongoClient;
let db: Db;
let ingesters: Ingesters | null = null;
let log: ReturnType<typeof capturedLogger>;

const customer = (id: string, first: string, extra: Record<string, unknown> = {}) => ({
  id,
  first_name: first,
  last_name: `${first}son`,
  gender: 'female',
  dob: '1990-07-04',
  email: `${id.toLowerCase()}@example.com`,
  address: { street: '1 Main St', city: 'Leeds', postcode: 'LS1', country: 'United Kingdom' },
  ...extra,
});
const order = (userId: string, prices: number[], extra: Record<string, unknown> = {}) => ({
  user_id: userId,
  date: new Date(Date.UTC(2024, 4, 1, 10)),
  items: prices.map((price, i) => ({ product_name: `Product ${i}`, price, ...(i === 0 ? { quantity: 2 } : {}) })),
  ...extra,
});

async function start(logger: Logger = log.logger, options: Parameters<typeof startIngesters>[3] = {}): Promise<Ingesters> {
  ingesters = await startIngesters(t.gateway.config, t.gateway, logger, {
    ...options,
    mongo: { feed: { pollIdleMs: 10, ...options.mongo?.feed }, ...(options.mongo?.hooks ? { hooks: options.mongo.hooks } : {}) },
  });
  await ingesters.ready();
  return ingesters;
}

async function stop(): Promise<void> {
  await ingesters?.stop();
  ingesters = null;
}

/** Waits until the gateway answers for these customers exactly what the collections say. */
async function expectInSync(ids: string[], what: string): Promise<void> {
  let last: unknown = null;
  try {
    await waitFor(
      async () => {
        const expected = await expectedProfiles(db, ids);
        const res = await t.graphql(IngestedProfilesDocument, { ids });
        const actual = res.data ? profileFacts(res.data.customers) : res.errors;
        last = { expected, actual };
        return JSON.stringify(actual) === JSON.stringify(expected);
      },
      { timeoutMs: 20_000, what },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\nlast comparison: ${JSON.stringify(last, null, 1)}`);
  }
}

beforeAll(async () => {
  const { mongoUrl } = serviceAddresses();
  const database = uniqueName('c360_mongo').replace(/-/g, '_');
  mongo = new MongoClient(mongoUrl);
  await mongo.connect();
  db = mongo.db(database);
  t = await startTestGateway({ MONGO_URL: mongoUrl, MONGO_DATABASE: database, MAX_IDS: '1000' });
  log = capturedLogger();
});

afterAll(async () => {
  await stop();
  await t?.close();
  await db?.dropDatabase().catch(() => undefined);
  await mongo?.close();
});

// Every scenario ends with the rollups equal to a recomputation from the source tables, field by field.
afterEach(async () => {
  await t.gateway.sink.flush();
  await expectRollupsMatchSources(t.gateway.store);
});

test('writes made while the snapshot runs are not lost', async () => {
  const ids = Array.from({ length: 30 }, (_, i) => `M${String(i).padStart(3, '0')}`);
  await db.collection('customers').insertMany(ids.map((id) => customer(id, `First${id}`)));
  await db.collection('online_orders').insertMany(ids.map((id, i) => order(id, [10 + i, 2.5], { delivery_address: { city: 'Cork' } })));
  await db.collection('instore_orders').insertMany(ids.map((id) => order(id, [4.25], { store: { id: 'S1', city: 'Glasgow' } })));

  // After the first chunk of each collection: change documents on both sides of the snapshot's cursor.
  const changed = new Set<string>();
  const hooks = {
    async onSnapshotChunk(collection: string) {
      if (changed.has(collection)) return;
      changed.add(collection);
      if (collection === 'customers') {
        await db.collection('customers').insertOne(customer('M900', 'Late'));
        await db.collection('customers').updateOne({ id: 'M001' }, { $set: { first_name: 'Early' } });
        await db.collection('customers').updateOne({ id: 'M028' }, { $set: { first_name: 'NotYetRead' } });
        await db.collection('customers').deleteOne({ id: 'M027' });
      } else {
        await db.collection(collection).insertOne(order('M002', [100]));
        await db.collection(collection).updateOne({ user_id: 'M029' }, { $set: { items: [{ product_name: 'Changed', price: 7 }] } });
        await db.collection(collection).deleteOne({ user_id: 'M003' });
      }
    },
  };
  const running = await start(log.logger, { mongo: { feed: { snapshotChunk: 8 }, hooks } });
  expect(changed).toEqual(new Set(COLLECTIONS));
  expect(running.status().mongo?.collections.map((c) => [c.collection, c.startedFrom, c.snapshotDocuments])).toEqual([
    ['customers', 'snapshot', expect.any(Number)],
    ['online_orders', 'snapshot', expect.any(Number)],
    ['instore_orders', 'snapshot', expect.any(Number)],
  ]);
  await expectInSync([...ids, 'M900'], 'the snapshot plus the changes made during it');
  const ready = await fetch(`${t.url}/readyz`);
  expect(((await ready.json()) as { checks: Record<string, { ok: boolean }> }).checks['mongo']).toMatchObject({ ok: true });
});

test('an insert, update, replace and delete are each reflected, and an order insert reaches the subscription', async () => {
  const sub = subscribeActivity(t.url, 'L1');
  try {
    await waitFor(async () => t.gateway.bus.subscriberCount() > 0, { what: 'the subscription to register' });

    const { insertedId: customerId } = await db.collection('customers').insertOne(customer('L1', 'Live'));
    await db.collection('customers').insertOne(customer('L2', 'Other'));
    await expectInSync(['L1', 'L2'], 'inserted customers');

    const { insertedId: orderId } = await db.collection('online_orders').insertOne(order('L1', [20, 5], { delivery_address: '9 Quay St, Cork' }));
    await expectInSync(['L1'], 'an inserted order');
    await waitFor(async () => sub.events.length >= 1, { what: 'the subscription to push the order' });
    expect(sub.events[0]).toEqual({
      customerId: 'L1',
      type: 'ONLINE_ORDER',
      at: '2024-05-01T10:00:00.000Z',
      summary: 'Online order to 9 Quay St, Cork: 2 items, 45.00',
      source: 'online_orders',
    });

    await db.collection('online_orders').updateOne({ _id: orderId }, { $set: { 'items.2': { product_name: 'Extra', price: 1.5 } } });
    await expectInSync(['L1'], 'an updated order');

    await db.collection('customers').replaceOne({ _id: customerId }, customer('L1', 'Replaced', { dob: new Date(Date.UTC(1985, 0, 2)) }));
    await expectInSync(['L1'], 'a replaced customer');
    const replaced = await t.graphql(IngestedProfilesDocument, { ids: ['L1'] });
    expect(replaced.data?.customers[0]).toMatchObject({ firstName: 'Replaced', dateOfBirth: '1985-01-02', address: { city: 'Leeds' } });

    // An order moved to another customer leaves the first one.
    await db.collection('online_orders').replaceOne({ _id: orderId }, order('L2', [20, 5, 1.5]));
    await expectInSync(['L1', 'L2'], 'an order replaced under another customer');

    await db.collection('online_orders').deleteOne({ _id: orderId });
    await expectInSync(['L1', 'L2'], 'a deleted order');

    // A customer whose id changes is found under the new id only.
    await db.collection('customers').updateOne({ id: 'L2' }, { $set: { id: 'L2b' } });
    await expectInSync(['L2', 'L2b'], 'a customer whose id changed');

    await db.collection('customers').deleteOne({ _id: customerId });
    await expectInSync(['L1'], 'a deleted customer');
    expect((await t.graphql(IngestedProfilesDocument, { ids: ['L1'] })).data?.customers).toEqual([null]);

    // Only the insert was news: updates, replaces and deletes do not reach the subscription.
    expect(sub.events).toHaveLength(1);
  } finally {
    await sub.close();
  }
});

const rejectedRecords = (key: string) =>
  t.gateway.store.query<{ source: string; customer_id: string; reason: string; document: string }>(
    'test',
    'SELECT source, customer_id, reason, document FROM rejected_records WHERE key = {key:String} ORDER BY rejected_at',
    { key },
  );

test('an invalid document is set aside with its reason, and the documents after it still arrive', async () => {
  const invalidBefore = ingesters!.status().mongo!.collections[0]!.invalidDocuments;
  const { insertedId } = await db.collection('customers').insertOne({ id: 42, first_name: 'Numeric id' });
  await db.collection('customers').insertOne(customer('V1', 'Valid'));
  await expectInSync(['V1'], 'the document after an invalid one');
  expect(ingesters!.status().mongo!.collections[0]!.invalidDocuments).toBe(invalidBefore + 1);
  const [set] = await rejectedRecords(insertedId.toHexString());
  expect(set).toMatchObject({ source: 'mongo:customers', reason: 'id: expected a string, got number; the profile does not show it' });
  expect(JSON.parse(set!.document)).toMatchObject({ id: 42, first_name: 'Numeric id' });
});

test('an update whose new version does not map leaves the previous one in the profile, and the set-aside record says so', async () => {
  const { insertedId } = await db.collection('online_orders').insertOne(order('V2', [10, 5]));
  await db.collection('customers').insertOne(customer('V2', 'Priced'));
  await expectInSync(['V2'], 'an order with good prices');
  await db.collection('online_orders').updateOne({ _id: insertedId }, { $set: { 'items.0.price': 'ten' } });
  await waitFor(async () => (await rejectedRecords(insertedId.toHexString())).length > 0, { timeoutMs: 20_000, what: 'the bad version to be set aside' });
  const [set] = await rejectedRecords(insertedId.toHexString());
  expect(set).toMatchObject({
    source: 'mongo:online_orders',
    customer_id: 'V2',
    reason: 'items[0].price: expected a number, got string; the profile keeps showing its previous version',
  });
  const res = await t.graphql(IngestedProfilesDocument, { ids: ['V2'] });
  expect(res.data?.customers[0]?.purchaseStats).toMatchObject({ totalOrders: 1, totalSpent: 25 });
  // Support sees it on the customer too.
  const asked = await t.graphql<{ rejectedRecords: Array<{ source: string; key: string; reason: string }> }>(
    'query($id: ID!) { rejectedRecords(customerId: $id) { source key reason } }',
    { id: 'V2' },
  );
  expect(asked.data?.rejectedRecords).toEqual([
    { source: 'mongo:online_orders', key: insertedId.toHexString(), reason: 'items[0].price: expected a number, got string; the profile keeps showing its previous version' },
  ]);
});

test('a restart resumes from the stored resume token: nothing lost, nothing counted twice', async () => {
  await stop();
  // Written while nothing listens.
  await db.collection('customers').insertOne(customer('R1', 'WhileDown'));
  await db.collection('customers').updateOne({ id: 'M005' }, { $set: { last_name: 'Renamed' } });
  await db.collection('online_orders').insertOne(order('R1', [3, 3]));
  await db.collection('instore_orders').insertOne(order('R1', [8], { store: { id: 'S2', city: 'Cardiff' } }));
  await db.collection('instore_orders').deleteOne({ user_id: 'M006' });

  const restarted = capturedLogger();
  const running = await start(restarted.logger);
  expect(running.status().mongo?.collections.map((c) => [c.collection, c.startedFrom, c.snapshots])).toEqual(
    COLLECTIONS.map((c) => [c, 'resume-token', 0]),
  );
  expect(restarted.lines().filter((l) => l['msg'] === 'change stream resumed from the stored token')).toHaveLength(3);
  await expectInSync(['R1', 'M005', 'M006', 'V1', 'L1', 'L2b'], 'the changes made while stopped');
});

test('an invalid resume token means a fresh snapshot, which also removes what was deleted meanwhile, and the log says so', async () => {
  await stop();
  await db.collection('customers').deleteOne({ id: 'M007' });
  await db.collection('online_orders').deleteOne({ user_id: 'M008' });
  await db.collection('instore_orders').updateOne({ user_id: 'M009' }, { $set: { user_id: 'M010' } });
  for (const collection of COLLECTIONS) {
    await t.gateway.sink.write([], { source: `mongo:${collection}`, position: JSON.stringify({ token: { _data: 'not-a-resume-token' } }) });
  }

  const restarted = capturedLogger();
  const running = await start(restarted.logger);
  expect(running.status().mongo?.collections.map((c) => [c.collection, c.startedFrom])).toEqual(COLLECTIONS.map((c) => [c, 'snapshot']));
  const warnings = restarted.lines().filter((l) => l['msg'] === 'the stored resume token was rejected (invalid or expired); taking a fresh snapshot');
  expect(warnings.map((l) => l['collection']).sort()).toEqual([...COLLECTIONS].sort());
  await expectInSync(['M007', 'M008', 'M009', 'M010', 'R1', 'M900', 'V1'], 'the fresh snapshot');

  // And it streams again after the snapshot.
  await db.collection('customers').insertOne(customer('A1', 'After'));
  await expectInSync(['A1'], 'a change after the fresh snapshot');
});
