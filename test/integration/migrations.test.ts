// The migrations on a real engine, each applied to rows written under the schema before it: the storage
// rebuild (002) and the move to one activity table with rollups (003). Rows survive each, and running a
// migration's statements again (as after a crash part-way) neither loses nor doubles anything.
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { ensureRollups } from '../../src/ingest/rollup/rebuild';
import { createLogger } from '../../src/logger';
import { profileBatch } from '../../src/loaders/parts';
import type { CustomerRollup, WebError } from '../../src/loaders/rollup.part';
import type { TimelinePage } from '../../src/loaders/timeline.part';
import { createClickHouseStore, type ClickHouseStore } from '../../src/store/clickhouse';
import { migrate, MIGRATIONS_DIR, splitStatements } from '../../src/store/migrations';

const REBUILD = '002_point_read_storage.sql';
const ROLLUPS = '003_rollups.sql';
let dataDir: string;
let firstOnly: string;
let upToRebuild: string;
let store: ClickHouseStore;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'c360-migrations-'));
  firstOnly = await mkdtemp(path.join(tmpdir(), 'c360-migrations-sql-'));
  upToRebuild = await mkdtemp(path.join(tmpdir(), 'c360-migrations-sql-'));
  await mkdir(firstOnly, { recursive: true });
  await copyFile(path.join(MIGRATIONS_DIR, '001_sources.sql'), path.join(firstOnly, '001_sources.sql'));
  for (const file of ['001_sources.sql', REBUILD]) await copyFile(path.join(MIGRATIONS_DIR, file), path.join(upToRebuild, file));
  const config = loadConfig({ CLICKHOUSE_DATA_DIR: dataDir, DEMO: 'false', LOG_LEVEL: 'silent' });
  store = await createClickHouseStore(config.clickhouse);
});

afterAll(async () => {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(firstOnly, { recursive: true, force: true });
  await rm(upToRebuild, { recursive: true, force: true });
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

  expect(await migrate(store, upToRebuild)).toEqual([REBUILD]);
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

const activityRows = () =>
  store.query<{ user_id: string; type: string; key: string; payload: string }>(
    'test',
    'SELECT user_id, toString(type) AS type, key, payload FROM activity FINAL ORDER BY user_id, at, type',
  );

test('003 moves orders, emails and page views into one activity table, again safely, and the rollups are built from it', async () => {
  // Continues from the rows the test above wrote under 001 and 002.
  expect((await migrate(store))[0]).toBe(ROLLUPS);
  const moved = await activityRows();
  expect(moved.map((r) => [r.user_id, r.type, r.key])).toEqual([
    ['C1', 'EMAIL_SENT', 'e1'],
    ['C1', 'ONLINE_ORDER', 'o1'],
    ['C1', 'WEBSITE_VISIT', 'w1'],
    ['C2', 'WEBSITE_ERROR', 'w2'],
  ]);
  expect(moved.map((r) => JSON.parse(r.payload))).toEqual([
    { emailId: 'e1', opened: true, clicked: false },
    { channel: 'online', amount: 10, items: 1, products: ['SHIRT'], location: null },
    { page: 'home.html', error: null },
    { page: 'cart.html', error: 'Timeout' },
  ]);
  const [weblogs] = await store.query<{ n: number }>('test', "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'weblogs'");
  expect(weblogs!.n).toBe(0);

  for (const statement of splitStatements(await readFile(path.join(MIGRATIONS_DIR, ROLLUPS), 'utf8'))) {
    await store.command('test', statement);
  }
  expect(await activityRows()).toEqual(moved);

  const logger = createLogger('silent');
  expect(await ensureRollups(store, 2, logger)).toMatchObject({ customers: 2 });
  expect(await ensureRollups(store, 3, logger)).toBeNull();
  const [c1, c2errors, page] = (await profileBatch(store)([
    { part: 'rollup', id: 'C1' },
    { part: 'errors', id: 'C2' },
    { part: 'timeline', id: 'C1', args: { first: 10, after: null, types: null } },
  ])) as [CustomerRollup, WebError[], TimelinePage];
  expect(c1.details?.first_name).toBe('Ada');
  expect(c1.purchaseStats).toMatchObject({ totalOrders: 1, totalItems: 1, totalSpent: 10 });
  expect(c1.favourites).toEqual([{ productName: 'SHIRT', purchases: 1 }]);
  expect(c1.lastActivity.lastEmailOpened).toEqual(new Date(1_700_000_000_000));
  expect(c1.lastActivity.lastWebsiteVisit).toEqual(new Date(1_700_000_000_000));
  expect(c2errors).toEqual([{ message: 'Timeout', page: 'cart.html', lastSeen: new Date(1_700_000_000_001), occurrences: 1 }]);
  // All three at the same millisecond: ties by type, descending.
  expect(page.edges.map((e) => e.node.type)).toEqual(['WEBSITE_VISIT', 'ONLINE_ORDER', 'EMAIL_SENT']);
});
