import { CatalogError, TableCatalog } from '../../src/store/cluster/catalog';
import { ClusterRenderError, ClusterRenderer } from '../../src/store/cluster/render';

const CUSTOMERS = `CREATE TABLE IF NOT EXISTS customers
(
    id String,
    name Nullable(String) COMMENT 'from (the) source, with a comma',
    version UInt64,
    INDEX idx_name name TYPE bloom_filter GRANULARITY 4
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id
SETTINGS index_granularity = 256`;
const ORDERS = `CREATE TABLE IF NOT EXISTS orders (user_id String, order_id String, version UInt64)
ENGINE = ReplacingMergeTree(version) ORDER BY (user_id, order_id)`;
const CHECKPOINTS = `CREATE TABLE IF NOT EXISTS checkpoints (source String, position String, version UInt64)
ENGINE = ReplacingMergeTree(version) ORDER BY source`;
const INPUT = `CREATE TABLE IF NOT EXISTS input (user_id String, amount Float64) ENGINE = Null`;
const TOTALS = `CREATE TABLE IF NOT EXISTS totals (user_id String, amount SimpleAggregateFunction(sum, Float64))
ENGINE = AggregatingMergeTree ORDER BY user_id`;
const VIEW = `CREATE MATERIALIZED VIEW IF NOT EXISTS input_mv TO totals AS
SELECT user_id, sum(input.amount) AS amount FROM input GROUP BY user_id`;

const renderer = (statements: string[] = [CUSTOMERS, ORDERS, CHECKPOINTS, INPUT, TOTALS, VIEW]) =>
  new ClusterRenderer({ cluster: 'c1', database: 'db' }, TableCatalog.fromStatements(statements.map((sql) => ({ source: 'test.sql', sql }))));

describe('ClusterRenderer', () => {
  test('customer data: a replicated local table per shard and a Distributed table sharded by the customer id', () => {
    const [local, distributed] = renderer().render(CUSTOMERS);
    expect(local).toMatch(/^CREATE TABLE IF NOT EXISTS customers_local ON CLUSTER c1\n\(\n {4}id String,/);
    expect(local).toContain("COMMENT 'from (the) source, with a comma'");
    expect(local).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{uuid}/{shard}', '{replica}', version)\nORDER BY id\nSETTINGS index_granularity = 256");
    expect(distributed).toBe('CREATE TABLE IF NOT EXISTS customers ON CLUSTER c1 AS customers_local\nENGINE = Distributed(c1, db, customers_local, cityHash64(id))');
    expect(renderer().render(ORDERS)[1]).toContain('Distributed(c1, db, orders_local, cityHash64(user_id))');
  });

  test('bookkeeping without a customer column: one table replicated to every host', () => {
    expect(renderer().render(CHECKPOINTS)).toEqual([
      "CREATE TABLE IF NOT EXISTS checkpoints ON CLUSTER c1\n(source String, position String, version UInt64)\nENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{uuid}/all', '{shard}-{replica}', version)\nORDER BY source",
    ]);
  });

  test('an engine without arguments, and a Null table in front of customer data', () => {
    expect(renderer().render(TOTALS)[0]).toContain("ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{uuid}/{shard}', '{replica}')\nORDER BY user_id");
    const [local, distributed] = renderer().render(INPUT);
    expect(local).toBe('CREATE TABLE IF NOT EXISTS input_local ON CLUSTER c1\n(user_id String, amount Float64)\nENGINE = Null');
    expect(distributed).toContain('Distributed(c1, db, input_local, cityHash64(user_id))');
  });

  test('a materialized view runs on every host over the local tables, which keep their names as aliases', () => {
    expect(renderer().render(VIEW)).toEqual([
      'CREATE MATERIALIZED VIEW IF NOT EXISTS input_mv ON CLUSTER c1 TO totals_local AS\nSELECT user_id, sum(input.amount) AS amount FROM input_local AS input GROUP BY user_id',
    ]);
  });

  test('ALTER: the local tables, and the Distributed table too when columns change', () => {
    const r = renderer();
    expect(r.render("ALTER TABLE orders ADD COLUMN IF NOT EXISTS note String DEFAULT ''")).toEqual([
      "ALTER TABLE orders_local ON CLUSTER c1 ADD COLUMN IF NOT EXISTS note String DEFAULT ''",
      "ALTER TABLE orders ON CLUSTER c1 ADD COLUMN IF NOT EXISTS note String DEFAULT ''",
    ]);
    expect(r.render('ALTER TABLE orders MODIFY SETTING max_parts_in_total = 200')).toEqual(['ALTER TABLE orders_local ON CLUSTER c1 MODIFY SETTING max_parts_in_total = 200']);
    expect(r.render('ALTER TABLE checkpoints DELETE WHERE 1')).toEqual(['ALTER TABLE checkpoints ON CLUSTER c1 DELETE WHERE 1']);
  });

  test('DROP, EXCHANGE, OPTIMIZE and TRUNCATE reach the tables that hold the rows', () => {
    const r = renderer([CUSTOMERS, CUSTOMERS.replace('customers', 'customers_rebuild'), CHECKPOINTS, CHECKPOINTS.replace('checkpoints', 'checkpoints_new')]);
    expect(r.render('DROP TABLE IF EXISTS customers_rebuild')).toEqual([
      'DROP TABLE IF EXISTS customers_rebuild ON CLUSTER c1 SYNC',
      'DROP TABLE IF EXISTS customers_rebuild_local ON CLUSTER c1 SYNC',
    ]);
    expect(r.render('DROP TABLE checkpoints')).toEqual(['DROP TABLE checkpoints ON CLUSTER c1 SYNC']);
    expect(r.render('EXCHANGE TABLES customers AND customers_rebuild')).toEqual(['EXCHANGE TABLES customers_local AND customers_rebuild_local ON CLUSTER c1']);
    expect(r.render('EXCHANGE TABLES checkpoints AND checkpoints_new')).toEqual(['EXCHANGE TABLES checkpoints AND checkpoints_new ON CLUSTER c1']);
    expect(r.render('OPTIMIZE TABLE customers FINAL')).toEqual(['OPTIMIZE TABLE customers_local ON CLUSTER c1 FINAL']);
    expect(r.render('TRUNCATE TABLE customers')).toEqual(['TRUNCATE TABLE customers_local ON CLUSTER c1']);
    expect(r.render('TRUNCATE TABLE IF EXISTS checkpoints')).toEqual(['TRUNCATE TABLE IF EXISTS checkpoints ON CLUSTER c1']);
  });

  test('a lightweight DELETE (an erasure) runs on the tables that hold the rows, on every host', () => {
    const r = renderer();
    expect(r.render('DELETE FROM orders WHERE user_id = {id:String}')).toEqual(['DELETE FROM orders_local ON CLUSTER c1 WHERE user_id = {id:String}']);
    expect(r.render('DELETE FROM checkpoints WHERE source = {s:String}')).toEqual(['DELETE FROM checkpoints ON CLUSTER c1 WHERE source = {s:String}']);
    expect(r.render('ALTER TABLE orders APPLY DELETED MASK')).toEqual(['ALTER TABLE orders_local ON CLUSTER c1 APPLY DELETED MASK']);
  });

  test('INSERT … SELECT goes through the Distributed tables, after every replica of its sources caught up', () => {
    const insert = "INSERT INTO orders SELECT id, 'from customers', 1 FROM customers FINAL JOIN checkpoints ON 1 WHERE id IN (SELECT user_id FROM orders)";
    expect(renderer().render(insert)).toEqual(['SYSTEM SYNC REPLICA ON CLUSTER c1 customers_local', 'SYSTEM SYNC REPLICA ON CLUSTER c1 orders_local', insert]);
    expect(renderer().render("INSERT INTO checkpoints (source) SELECT {s:String}")).toEqual(["INSERT INTO checkpoints (source) SELECT {s:String}"]);
    expect(renderer().render('SELECT count() FROM orders')).toEqual(['SELECT count() FROM orders']);
  });

  test('what it cannot run on a cluster is refused with the reason, never sent as written', () => {
    const r = renderer();
    expect(() => r.render('RENAME TABLE orders TO orders_old')).toThrow(ClusterRenderError);
    expect(() => r.render('RENAME TABLE orders TO orders_old')).toThrow(/Cannot run "RENAME TABLE orders TO …" on cluster c1: this kind of statement has no cluster form yet/);
    expect(() => r.render('DETACH TABLE orders')).toThrow(/no cluster form yet/);
    expect(() => r.render('CREATE TABLE t (x String) ENGINE = Memory')).toThrow(/not created by any migration/);
    expect(() => renderer([`CREATE TABLE t (x String) ENGINE = Memory`]).render('CREATE TABLE t (x String) ENGINE = Memory')).toThrow(
      /engine Memory has no replicated form/,
    );
    expect(() => r.render('OPTIMIZE TABLE nowhere FINAL')).toThrow(/Table nowhere is not created by any migration.*known: checkpoints, customers/);
    expect(() => r.render('EXCHANGE TABLES orders AND checkpoints')).toThrow(/must both be customer data or both bookkeeping/);
  });
});

describe('TableCatalog', () => {
  test('customer data must be sorted by the customer id first, so one customer is one range on one shard', () => {
    expect(() =>
      TableCatalog.fromStatements([{ source: '009_x.sql', sql: 'CREATE TABLE x (at DateTime, user_id String) ENGINE = MergeTree ORDER BY (at, user_id)' }]),
    ).toThrow(new CatalogError('009_x.sql: table x holds customer data (column user_id) but its ORDER BY starts with at; start it with user_id so one customer is one range on one shard'));
  });

  test('a table name keeps one placement across every file', () => {
    expect(() =>
      TableCatalog.fromStatements([
        { source: '001.sql', sql: 'CREATE TABLE x (user_id String) ENGINE = MergeTree ORDER BY user_id' },
        { source: '002.sql', sql: 'CREATE TABLE x (source String) ENGINE = MergeTree ORDER BY source' },
      ]),
    ).toThrow(/002\.sql: table x is created as a table on every host here but as customer data sharded by user_id elsewhere/);
  });
});
