// The schema lock with two contenders against the embedded engine: of two processes migrating at once, one
// applies the migrations and the other waits and finds nothing to do; a lock left by a process that died
// expires; a live holder makes the other give up after its wait, naming the holder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createClickHouseStore, type ClickHouseStore } from '../../src/store/clickhouse';
import { Lease, LeaseTimeoutError } from '../../src/store/lease';
import { migrate, MIGRATIONS_DIR, withSchemaLock } from '../../src/store/migrations';
import { readMigrations } from '../../src/store/schema';

let dataDir: string;
let store: ClickHouseStore;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'c360-lock-'));
  store = await createClickHouseStore(loadConfig({ CLICKHOUSE_DATA_DIR: dataDir, DEMO: 'false' }).clickhouse);
});

afterEach(async () => {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

const lock = { lock: 'clickhouse', lockTtlMs: 5_000 } as const;

test('two processes migrating at once: one applies every migration, the other waits and applies none', async () => {
  const files = (await readMigrations()).map((f) => f.name);
  const results = await Promise.all([migrate(store, MIGRATIONS_DIR, lock), migrate(store, MIGRATIONS_DIR, lock)]);
  expect(results.map((r) => r.length).sort()).toEqual([0, files.length]);
  expect(results.flat()).toEqual(files);
});

test('work under the lock never overlaps', async () => {
  const log: string[] = [];
  const work = (who: string) => async () => {
    log.push(`${who} in`);
    await store.query('test', 'SELECT 1');
    await store.query('test', 'SELECT 2');
    log.push(`${who} out`);
  };
  await Promise.all([withSchemaLock(store, work('a'), lock), withSchemaLock(store, work('b'), lock)]);
  expect([log.slice(0, 2), log.slice(2)].map((pair) => pair.map((l) => l.split(' ')[1]))).toEqual([
    ['in', 'out'],
    ['in', 'out'],
  ]);
});

test('a lock left behind by a process that died expires, and migrations go ahead', async () => {
  const dead = new Lease(store, 'schema', 'dead-process', { ttlMs: 300, graceMs: 100 });
  expect((await dead.attempt()).held).toBe(true);
  expect(await migrate(store, MIGRATIONS_DIR, { ...lock, lockWaitMs: 30_000 })).toContain('001_sources.sql');
});

test('a live holder makes a waiting process give up after its wait, with the holder named', async () => {
  const holder = new Lease(store, 'schema', 'busy-process', { ttlMs: 60_000 });
  expect((await holder.attempt()).held).toBe(true);
  const waiting = migrate(store, MIGRATIONS_DIR, { ...lock, lockWaitMs: 0 });
  await expect(waiting).rejects.toThrow(LeaseTimeoutError);
  await expect(migrate(store, MIGRATIONS_DIR, { ...lock, lockWaitMs: 0 })).rejects.toThrow(/Lease schema: busy-process has held it for more than 0 ms/);
  const [{ n }] = (await store.query<{ n: number }>('test', "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'customers'")) as [{ n: number }];
  expect(n).toBe(0);
});
