// A customer's rollup state is read, changed and written back by the process that writes the customer's
// records. Two processes writing records of the same customer at the same moment (the MongoDB feed on one
// replica, an email from a Kafka partition on another) both read the state before either writes it back. Each
// writes only the part of the state its source owns (StoredParts in src/ingest/rollup/state.ts), so neither
// drops the other's change: this is what makes INGEST_LEASE=mongo (Kafka on every replica) safe.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InProcessActivityBus } from '../../src/activity/bus';
import { loadConfig } from '../../src/config';
import { readStates } from '../../src/ingest/rollup/writer';
import { IngestSink } from '../../src/ingest/sink';
import { createLogger } from '../../src/logger';
import { createClickHouseStore, type ClickHouseStore } from '../../src/store/clickhouse';
import { migrate } from '../../src/store/migrations';

let dataDir: string;
let store: ClickHouseStore;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'c360-writers-'));
  store = await createClickHouseStore(loadConfig({ CLICKHOUSE_DATA_DIR: dataDir, DEMO: 'false' }).clickhouse);
  await migrate(store);
});

afterAll(async () => {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('two processes writing records of one customer at the same moment keep both in the rollup', async () => {
  // Two replicas' sinks over the same ClickHouse; both batches commit at once.
  const sink = () => new IngestSink(store, new InProcessActivityBus(), { batchRows: 1_000, flushMs: 60_000 }, createLogger('silent'));
  const [mongoReplica, kafkaReplica] = [sink(), sink()];
  const order = mongoReplica.write([
    {
      kind: 'order',
      row: { user_id: 'C1', channel: 'online', order_id: 'o1', date: 1_700_000_000_000, item_names: ['Shirt'], item_prices: [10], item_quantities: [1], location: null },
    },
  ]);
  const email = kafkaReplica.write([{ kind: 'email', row: { user_id: 'C1', email_id: 'e1', date: 1_700_000_000_000, opened: 1, clicked: 0 } }]);
  void mongoReplica.flush();
  void kafkaReplica.flush();
  await Promise.all([order, email]);

  const [state] = [...(await readStates(store, ['C1'])).values()];
  expect({ orders: Object.keys(state!.on), emails: Object.keys(state!.e) }).toEqual({ orders: ['o1'], emails: ['e1'] });
});
