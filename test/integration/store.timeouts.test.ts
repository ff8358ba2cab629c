// The query timeout bounds SELECTs only: statements that change data or schema (a migration's copy, a merge,
// an erasure's rewrite) run to the end, in the embedded engine too, where settings stay with the session.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createClickHouseStore, type ClickHouseStore } from '../../src/store/clickhouse';

let dataDir: string;
let store: ClickHouseStore;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'c360-timeouts-'));
  store = await createClickHouseStore(loadConfig({ CLICKHOUSE_DATA_DIR: dataDir, DEMO: 'false' }).clickhouse, { queryTimeoutMs: 1_000 });
  await store.command('test', 'CREATE TABLE slow (n UInt64) ENGINE = MergeTree ORDER BY n');
});

afterAll(async () => {
  await store?.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('a SELECT longer than the query timeout is stopped', async () => {
  await expect(store.query('test', 'SELECT sleepEachRow(0.5) FROM numbers(4)')).rejects.toThrow(/TIMEOUT_EXCEEDED|Timeout exceeded/);
});

test('a statement that writes runs past the query timeout, after a SELECT ran with it', async () => {
  expect(await store.query<{ one: number }>('test', 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  // Four rows at half a second each: 2 s, twice the query timeout.
  await store.command('test', 'INSERT INTO slow SELECT number FROM numbers(4) WHERE sleepEachRow(0.5) = 0');
  expect(await store.query<{ n: number }>('test', 'SELECT count() AS n FROM slow')).toEqual([{ n: 4 }]);
});
