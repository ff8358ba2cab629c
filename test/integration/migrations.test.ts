// The storage rebuild (clickhouse/002_point_read_storage.sql) on a real engine: rows written under the first
// schema survive it, the tables get the point-read settings, and running its statements again (as after a
// crash part-way) neither loses nor doubles anything.
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createClickHouseStore, type ClickHouseStore } from '../../src/store/clickhouse';
import { migrate, MIGRATIONS_DIR, splitStatements } from '../../src/store/migrations';

const REBUILD = '002_point_read_storage.sql';
let dataDir: string;
let firstOnly: string;
let store: ClickHouseStore;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'c360-migrations-'));
  firstOnly = await mkdtemp(path.join(tmpdir(), 'c360-migrations-sql-'));
  await mkdir(firstOnly, { recursive: true });
  await copyFile(path.join(MIGRATIONS_DIR, '001_sources.sql'), path.join(firstOnly, '001_sources.sql'));
  const config = loadConfig({ CLICKHOUSE_DATA_DIR: dataDir, DEMO: 'false', LOG_LEVEL: 'silent' });
  store = await createClickHouseStore(config.clickhouse);
});

afterAll(async () => {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(firstOnly, { recursive: true, force: true });
});

const counts = async () =>
  (
    await store.query<Record<string, number>>(
      'test',
      `SELECT (SELECT count() FROM customers FINAL) AS customers, (SELECT count() FROM orders FINAL) AS orders,
              (SELECT count() FROM marketing_emails FINAL) AS emails, (SELECT count() FROM weblogs FINAL) AS weblogs`,
    )
  )[0];

test('rows written under the first schema survive the rebuild, which can run again safely', async () => {
  expect(await migrate(store, firstOnly)).toEqual(['001_sources.sql']);
  await store.insert('customers', [
    { id: 'C1', source_id: 'a', first_name: 'Ada', version: 1 },
    { id: 'C2', source_id: 'b', first_name: 'Bo', version: 1 },
  ]);
  await store.insert('orders', [
    { user_id: 'C1', channel: 'online', order_id: 'o1', date: 1_700_000_000_000, item_names: ['Shirt'], item_prices: [10], item_quantities: [1], version: 1 },
  ]);
  await store.insert('marketing_emails', [{ user_id: 'C1', email_id: 'e1', date: 1_700_000_000_000, opened: 1, clicked: 0, version: 1 }]);
  await store.insert('weblogs', [
    { user_id: 'C1', date: 1_700_000_000_000, page: 'home.html', event_key: 'w1' },
    { user_id: 'C2', date: 1_700_000_000_001, page: 'cart.html', error_message: 'Timeout', event_key: 'w2' },
  ]);
  const before = await counts();
  expect(before).toEqual({ customers: 2, orders: 1, emails: 1, weblogs: 2 });

  expect(await migrate(store)).toEqual([REBUILD]);
  expect(await counts()).toEqual(before);
  for (const table of ['customers', 'orders', 'marketing_emails', 'weblogs']) {
    const [ddl] = await store.query<{ statement: string }>('test', `SHOW CREATE TABLE ${table}`);
    expect(ddl!.statement).toContain('index_granularity = 256');
  }

  // As after a crash at any point: every statement again, from the top.
  for (const statement of splitStatements(await readFile(path.join(MIGRATIONS_DIR, REBUILD), 'utf8'))) {
    await store.command('test', statement);
  }
  expect(await counts()).toEqual(before);
  const [scratch] = await store.query<{ n: number }>('test', "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name LIKE '%_rebuild'");
  expect(scratch!.n).toBe(0);
});
