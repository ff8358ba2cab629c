// Migration 002 rebuilds four tables (copy, then swap). On a server shared by several gateways, others write
// to a table while it is rebuilt: rows written between the copy and the swap must survive, and the rebuild must
// run again safely from any point it crashed at. Its first text failed the former, so it was amended; a
// deployment that applied the first text is accepted through the earlier checksum.
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createClickHouseStore, type ClickHouseStore } from '../../src/store/clickhouse';
import { EARLIER_CHECKSUMS, migrate, MIGRATIONS_DIR, splitStatements } from '../../src/store/migrations';
import { checksumOf } from '../../src/store/schema';

const REBUILD = '002_point_read_storage.sql';
const FIRST_TEXT = path.join(__dirname, '../fixtures/migrations/002_point_read_storage.first.sql');
let dataDir: string;
let store: ClickHouseStore;
let sources: string[];
let rebuild: string[];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'c360-rebuild-'));
  store = await createClickHouseStore(loadConfig({ CLICKHOUSE_DATA_DIR: dataDir, DEMO: 'false', LOG_LEVEL: 'silent' }).clickhouse);
  sources = splitStatements(await readFile(path.join(MIGRATIONS_DIR, '001_sources.sql'), 'utf8'));
  rebuild = splitStatements(await readFile(path.join(MIGRATIONS_DIR, REBUILD), 'utf8'));
});

afterAll(async () => {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

const TABLES = ['customers', 'orders', 'marketing_emails', 'weblogs'];

/** The tables of 001 with one customer in each, and nothing else. */
async function freshSources(): Promise<void> {
  for (const t of [...TABLES, ...TABLES.map((x) => `${x}_rebuild`), 'ingest_checkpoints', 'schema_migrations']) {
    await store.command('test', `DROP TABLE IF EXISTS ${t}`);
  }
  for (const s of sources) await store.command('test', s);
  await store.insert('customers', [{ id: 'C1', source_id: 'a', first_name: 'Ada', version: 1 }]);
}

/** What another gateway writes meanwhile. */
const otherGatewayWrites = (id: string) => store.insert('customers', [{ id, source_id: id, first_name: 'Late', version: 1 }]);

const customerIds = async () => (await store.query<{ id: string }>('test', 'SELECT id FROM customers FINAL ORDER BY id')).map((r) => r.id);
const granularity = async (table: string) =>
  /index_granularity = (\d+)/.exec((await store.query<{ statement: string }>('test', `SHOW CREATE TABLE ${table}`))[0]!.statement)?.[1] ?? '8192';
const scratchTables = async () =>
  (await store.query<{ name: string }>('test', "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE '%_rebuild'")).map((r) => r.name);

/** Runs statements in order, letting another gateway write right after the copy into the customers scratch table. */
async function run(statements: readonly string[], writeAfterCopy?: string): Promise<void> {
  for (const s of statements) {
    await store.command('test', s);
    if (writeAfterCopy && /^INSERT INTO customers_rebuild SELECT \* FROM customers$/.test(s)) await otherGatewayWrites(writeAfterCopy);
  }
}

test('a row written between the copy and the swap is kept (the first text of 002 dropped it)', async () => {
  await freshSources();
  await run(splitStatements(await readFile(FIRST_TEXT, 'utf8')), 'C2');
  expect(await customerIds()).toEqual(['C1']);

  await freshSources();
  await run(rebuild, 'C2');
  expect(await customerIds()).toEqual(['C1', 'C2']);
  for (const t of TABLES) expect(await granularity(t)).toBe('256');
  expect(await scratchTables()).toEqual([]);
});

test('a run that crashed after any statement of a table’s rebuild, run again from the top, keeps every row and finishes the rebuild', async () => {
  // The first table's statements; the others repeat them for their own table.
  const perTable = rebuild.findIndex((s) => s.startsWith('CREATE TABLE IF NOT EXISTS orders_rebuild'));
  expect(perTable).toBe(9);
  for (let crashedAfter = 0; crashedAfter <= perTable; crashedAfter++) {
    await freshSources();
    await run(rebuild.slice(0, crashedAfter), 'C2');
    // Another gateway keeps writing while the process that crashed is restarted.
    await otherGatewayWrites('C3');
    await run(rebuild);
    expect({ crashedAfter, ids: await customerIds() }).toEqual({ crashedAfter, ids: crashedAfter > 4 ? ['C1', 'C2', 'C3'] : ['C1', 'C3'] });
    expect({ crashedAfter, granularity: await granularity('customers') }).toEqual({ crashedAfter, granularity: '256' });
    expect({ crashedAfter, scratch: await scratchTables() }).toEqual({ crashedAfter, scratch: [] });
  }
});

test('a deployment that applied the first text of 002 carries on; any other change to an applied file is refused', async () => {
  expect(checksumOf(await readFile(FIRST_TEXT, 'utf8'))).toBe(EARLIER_CHECKSUMS[REBUILD]![0]!.checksum);
  await freshSources();
  const before = await mkdtemp(path.join(tmpdir(), 'c360-rebuild-sql-'));
  try {
    await copyFile(path.join(MIGRATIONS_DIR, '001_sources.sql'), path.join(before, '001_sources.sql'));
    await copyFile(FIRST_TEXT, path.join(before, REBUILD));
    expect(await migrate(store, before)).toEqual(['001_sources.sql', REBUILD]);
  } finally {
    await rm(before, { recursive: true, force: true });
  }
  // The amended 002 is not run again; what follows it is.
  const applied = await migrate(store);
  expect(applied[0]).toBe('003_rollups.sql');
  expect(applied).not.toContain(REBUILD);

  await store.insert('schema_migrations', [{ name: REBUILD, checksum: 'f'.repeat(64) }]);
  await store.command('test', 'OPTIMIZE TABLE schema_migrations FINAL');
  await expect(migrate(store)).rejects.toThrow(`Migration ${REBUILD} changed after it was applied; add a new migration instead.`);
});
