// Two gateway replicas sharing one ClickHouse and one MongoDB: the ingest lease lets exactly one of them run
// the MongoDB feed, and the other takes over when that one stops. (Two replicas in one process, over one
// embedded engine: the lease is the same ClickHouse table a server would hold.)
import { MongoClient, type Db } from 'mongodb';
import { startIngesters, type Ingesters } from '../../src/ingest';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { capturedLogger, serviceAddresses, uniqueName } from '../utils/ingest';
import { waitFor } from '../utils/services';

let t: TestGateway;
let mongo: MongoClient;
let db: Db;
const running: Ingesters[] = [];

beforeAll(async () => {
  const { mongoUrl } = serviceAddresses();
  const database = uniqueName('c360_lease').replace(/-/g, '_');
  mongo = new MongoClient(mongoUrl);
  await mongo.connect();
  db = mongo.db(database);
  t = await startTestGateway({ MONGO_URL: mongoUrl, MONGO_DATABASE: database });
});

afterAll(async () => {
  for (const ingesters of running) await ingesters.stop();
  await t?.close();
  await db?.dropDatabase().catch(() => undefined);
  await mongo?.close();
});

/** A replica's ingesters: its own name in the lease, a short TTL so a takeover comes soon. */
async function replica(name: string): Promise<Ingesters> {
  const config = { ...t.gateway.config, ingest: { enabled: true, lease: { sources: 'all' as const, ttlMs: 1_500 } } };
  const ingesters = await startIngesters(config, { sink: t.gateway.sink, store: t.gateway.store }, capturedLogger().logger, {
    lease: 'clickhouse',
    leaseOwner: name,
    mongo: { feed: { pollIdleMs: 10 } },
  });
  running.push(ingesters);
  return ingesters;
}

const storedCustomers = async () =>
  (await t.gateway.store.query<{ id: string }>('test', 'SELECT id FROM customers FINAL ORDER BY id')).map((r) => r.id);

async function expectStored(ids: string[], what: string): Promise<void> {
  await waitFor(async () => JSON.stringify(await storedCustomers()) === JSON.stringify(ids), { timeoutMs: 20_000, what });
}

test('one replica runs the MongoDB feed; when it stops, the other takes over and nothing is missed', async () => {
  const [a, b] = await Promise.all([replica('replica-a'), replica('replica-b')]);
  const holders = [a, b].filter((r) => r.status().lease?.holding);
  expect(holders).toHaveLength(1);
  const [holder, standby] = holders[0] === a ? [a, b] : [b, a];
  const holderName = holder === a ? 'replica-a' : 'replica-b';
  expect(holder.status().mongo).toBeDefined();
  expect(standby.status()).toEqual({ lease: { holding: false, holder: holderName, term: expect.any(Number) } });

  await holder.ready();
  await db.collection('customers').insertOne({ id: 'L1', first_name: 'Lena' });
  await expectStored(['L1'], 'the holder to ingest L1');

  // The holder shuts down (its lease is released), and writes continue meanwhile.
  await holder.stop();
  await db.collection('customers').insertOne({ id: 'L2', first_name: 'Luis' });
  await waitFor(async () => standby.status().lease?.holding === true, { timeoutMs: 20_000, what: 'the standby to take the lease over' });
  expect(standby.status().lease?.holder).toBe(holderName === 'replica-a' ? 'replica-b' : 'replica-a');
  await standby.ready();
  // It resumes from the checkpoint the first holder stored, so L2, written while no feed ran, is not missed.
  await expectStored(['L1', 'L2'], 'the new holder to ingest L2');
  await db.collection('customers').insertOne({ id: 'L3', first_name: 'Lou' });
  await expectStored(['L1', 'L2', 'L3'], 'the new holder to ingest L3');
});
