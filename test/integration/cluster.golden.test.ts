// Every migration in clickhouse/ (and the tables the gateway creates itself), rendered for a cluster, is parsed
// by ClickHouse's own parser through the embedded engine and compared with its golden file in
// test/fixtures/cluster/. No ClickHouse cluster runs here; this checks that the cluster DDL is valid ClickHouse
// SQL and that its rendering changes only on purpose (`npm run cluster:golden` regenerates the files).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createClickHouseStore, type ClickHouseStore } from '../../src/store/clickhouse';
import { readMigrations } from '../../src/store/schema';
import { BOOTSTRAP_GOLDEN, formatStatement, goldenProblems, renderGoldenFiles, type GoldenFile } from '../utils/clusterGolden';

let dataDir: string;
let store: ClickHouseStore;
let rendered: GoldenFile[];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'c360-golden-'));
  store = await createClickHouseStore(loadConfig({ CLICKHOUSE_DATA_DIR: dataDir, DEMO: 'false' }).clickhouse);
  rendered = await renderGoldenFiles(store);
});

afterAll(async () => {
  await store?.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('every migration file has a cluster rendering, and the bootstrap too', async () => {
  const migrations = (await readMigrations()).map((f) => f.name);
  expect(migrations.length).toBeGreaterThanOrEqual(3);
  expect(rendered.map((f) => f.name)).toEqual([BOOTSTRAP_GOLDEN, ...migrations]);
});

test('the committed golden files match what the code renders now', async () => {
  expect(await goldenProblems(rendered)).toEqual([]);
});

test('customer data becomes replicated local tables behind Distributed tables sharded by the customer id', () => {
  const sources = rendered.find((f) => f.name === '001_sources.sql')!.text;
  expect(sources).toContain('CREATE TABLE IF NOT EXISTS customers_local ON CLUSTER c360');
  expect(sources).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{uuid}/{shard}', '{replica}', version, deleted)");
  expect(sources).toContain('ENGINE = Distributed(c360, customer360, customers_local, cityHash64(id))');
  expect(sources).toContain('ENGINE = Distributed(c360, customer360, orders_local, cityHash64(user_id))');
  // Checkpoints are bookkeeping: one table replicated to every host, not sharded.
  expect(sources).toContain("CREATE TABLE IF NOT EXISTS ingest_checkpoints ON CLUSTER c360");
  expect(sources).toContain("ReplicatedReplacingMergeTree('/clickhouse/tables/{uuid}/all', '{shard}-{replica}', version)");
  expect(sources).not.toContain('ingest_checkpoints_local');
});

test('a statement ClickHouse cannot parse fails the rendering with its place', async () => {
  await expect(formatStatement(store, 'CREATE TABLE x ON CLUSTER c (a String) ENGINE = ReplicatedMergeTree(', '999_bad.sql, statement 1')).rejects.toThrow(
    /999_bad\.sql, statement 1: ClickHouse cannot parse the cluster rendering[\s\S]*Syntax error/,
  );
});
