// Against a real ClickHouse server, or a cluster with CLICKHOUSE_CLUSTER: runs whenever CLICKHOUSE_URL is set
// (e.g. `docker compose up -d --wait` and CLICKHOUSE_URL=http://localhost:8123, or docker-compose.cluster.yml
// with CLICKHOUSE_URL=http://localhost:8123 CLICKHOUSE_CLUSTER=c360), and says why when it is skipped. No server
// can run on the machines the project is built on, so this has not run there; the cluster DDL is checked by
// ClickHouse's parser in cluster.golden.test.ts and the lock and lease against the embedded engine.
import { randomUUID } from 'node:crypto';
import { createClient } from '@clickhouse/client';
import { InProcessActivityBus } from '../../src/activity/bus';
import { loadConfig, type Config } from '../../src/config';
import { IngestSink } from '../../src/ingest/sink';
import { createLogger } from '../../src/logger';
import { createClickHouseStore, type ClickHouseStore } from '../../src/store/clickhouse';
import { Lease } from '../../src/store/lease';
import { awaitInsertsStartedBefore, migrate, MIGRATIONS_DIR } from '../../src/store/migrations';
import { readMigrations } from '../../src/store/schema';
import { startTestGateway } from '../utils/gateway';

const url = process.env['CLICKHOUSE_URL'];
const cluster = process.env['CLICKHOUSE_CLUSTER'];
const env = {
  CLICKHOUSE_URL: url ?? '',
  CLICKHOUSE_USER: process.env['CLICKHOUSE_USER'] ?? 'default',
  CLICKHOUSE_PASSWORD: process.env['CLICKHOUSE_PASSWORD'] ?? '',
  ...(cluster ? { CLICKHOUSE_CLUSTER: cluster, CLICKHOUSE_CONSISTENCY: process.env['CLICKHOUSE_CONSISTENCY'] ?? 'quorum' } : {}),
};

if (!url) {
  console.log(
    'test/integration/clickhouse-server.test.ts is skipped: CLICKHOUSE_URL is not set. Set it to a ClickHouse server ' +
      '(and CLICKHOUSE_CLUSTER to test a cluster, e.g. docker-compose.cluster.yml) to run these tests.',
  );
  test.skip('a ClickHouse server or cluster (skipped: CLICKHOUSE_URL is not set)', () => undefined);
} else {
  describe(`ClickHouse ${cluster ? `cluster ${cluster}` : 'server'} at ${url}`, () => {
    const database = `c360_it_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const config = (): Config['clickhouse'] => loadConfig({ ...env, CLICKHOUSE_DATABASE: database, DEMO: 'false' }).clickhouse;
    const stores: ClickHouseStore[] = [];
    const open = async () => {
      const store = await createClickHouseStore(config());
      stores.push(store);
      return store;
    };
    const onCluster = cluster ? ` ON CLUSTER ${cluster}` : '';
    let store: ClickHouseStore;

    beforeAll(async () => {
      store = await open();
    });

    afterAll(async () => {
      for (const s of stores) await s.close();
      const admin = createClient({ url, username: env.CLICKHOUSE_USER, password: env.CLICKHOUSE_PASSWORD });
      await admin.command({ query: `DROP DATABASE IF EXISTS ${database}${onCluster} SYNC` });
      await admin.close();
    });

    test('two processes migrating at once: one applies every migration, the other none', async () => {
      const files = (await readMigrations()).map((f) => f.name);
      const results = await Promise.all([migrate(store, MIGRATIONS_DIR), migrate(await open(), MIGRATIONS_DIR)]);
      expect(results.map((r) => r.length).sort()).toEqual([0, files.length]);
    });

    test('each table is where the cluster rendering puts it', async () => {
      const tables = await store.query<{ name: string; engine: string }>(
        'test',
        'SELECT name, engine FROM system.tables WHERE database = currentDatabase() ORDER BY name',
      );
      const engine = Object.fromEntries(tables.map((t) => [t.name, t.engine]));
      if (!cluster) {
        expect(engine['activity']).toBe('ReplacingMergeTree');
        return;
      }
      expect(engine['activity']).toBe('Distributed');
      expect(engine['activity_local']).toBe('ReplicatedReplacingMergeTree');
      expect(engine['customer_rollup_local']).toBe('ReplicatedAggregatingMergeTree');
      expect(engine['ingest_checkpoints']).toBe('ReplicatedReplacingMergeTree');
      expect(engine['rollup_input_mv']).toBe('MaterializedView');
      // Every host has every table.
      const [{ hosts, missing }] = (await store.query<{ hosts: number; missing: number }>(
        'test',
        `SELECT uniqExact(host) AS hosts, countIf(n != {expected:UInt64}) AS missing FROM (
           SELECT hostName() AS host, count() AS n FROM clusterAllReplicas(${cluster}, system.tables) WHERE database = {db:String} GROUP BY host)`,
        { expected: tables.length, db: database },
      )) as [{ hosts: number; missing: number }];
      expect({ hosts, missing }).toEqual({ hosts: store.cluster!.settings.topology.replicas.reduce((a, b) => a + b, 0), missing: 0 });
    });

    test('written rows are visible at once, on every replica, and all rows of a customer are on one shard', async () => {
      const sink = new IngestSink(store, new InProcessActivityBus(), { batchRows: 10_000, flushMs: 5 }, createLogger('silent'));
      await sink.resumeVersions();
      const ids = Array.from({ length: 40 }, (_, i) => `S${String(i).padStart(3, '0')}`);
      await sink.write(
        ids.flatMap((id) => [
          { kind: 'customer' as const, row: { id, source_id: id, first_name: id, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null } },
          { kind: 'weblog' as const, row: { user_id: id, date: 1_700_000_000_000, page: 'home.html', error_message: null, event_key: `${id}-w` } },
        ]),
        { source: 'server-test', position: 'p1' },
      );
      await sink.close();
      const [{ n }] = (await store.query<{ n: number }>('test', 'SELECT count() AS n FROM customers FINAL WHERE id IN {ids:Array(String)}', { ids })) as [{ n: number }];
      expect(n).toBe(ids.length);
      if (!cluster) return;
      const spread = await store.query<{ id: string; shards: number }>(
        'test',
        `SELECT id, uniqExact(shard) AS shards FROM (
           SELECT id, _shard_num AS shard FROM customers UNION ALL SELECT user_id, _shard_num FROM activity
           UNION ALL SELECT user_id, _shard_num FROM customer_rollup)
         GROUP BY id HAVING shards > 1`,
      );
      expect(spread).toEqual([]);
      // With quorum writes, every replica of the shard has the rows before the write returned.
      if (store.cluster!.settings.options.consistency === 'quorum') {
        const [{ copies }] = (await store.query<{ copies: number }>(
          'test',
          `SELECT count() AS copies FROM clusterAllReplicas(${cluster}, ${database}.customers_local) WHERE id IN {ids:Array(String)}`,
          { ids },
        )) as [{ copies: number }];
        expect(copies).toBe(ids.length * Math.min(...store.cluster!.settings.topology.replicas));
      }
      // The checkpoint is on every host.
      const [{ hosts }] = (await store.query<{ hosts: number }>(
        'test',
        `SELECT uniqExact(hostName()) AS hosts FROM clusterAllReplicas(${cluster}, ${database}.ingest_checkpoints) WHERE source = 'server-test'`,
      )) as [{ hosts: number }];
      expect(hosts).toBe(store.cluster!.settings.topology.replicas.reduce((a, b) => a + b, 0));
    });

    test('of two processes claiming the lease at once, exactly one holds it', async () => {
      const other = await open();
      const name = `server-test-${randomUUID()}`;
      const [a, b] = [new Lease(store, name, 'process-a', { ttlMs: 30_000 }), new Lease(other, name, 'process-b', { ttlMs: 30_000 })];
      const results = await Promise.all([a.attempt(), b.attempt()]);
      expect(results.filter((r) => r.held)).toHaveLength(1);
      expect(results[0]!.holder).toEqual(results[1]!.holder);
    });

    test('after a table swap, the migration waits for an insert that began before it', async () => {
      // Plain tables outside the migrations (on every host of a cluster, each its own), written directly.
      const client = store.client;
      const everywhere = (table: string) => (cluster ? `clusterAllReplicas(${cluster}, ${database}.${table})` : table);
      await client.command({ query: `CREATE TABLE swap_a${onCluster} (x UInt64) ENGINE = MergeTree ORDER BY x` });
      await client.command({ query: `CREATE TABLE swap_b${onCluster} (x UInt64) ENGINE = MergeTree ORDER BY x` });
      const slow = client.command({
        query: 'INSERT INTO swap_a SELECT number FROM numbers(30) WHERE sleepEachRow(0.1) = 0',
        clickhouse_settings: { max_block_size: '1' },
      });
      const processes = cluster ? `clusterAllReplicas(${cluster}, system.processes)` : 'system.processes';
      for (;;) {
        const running = await store.query('test', `SELECT 1 FROM ${processes} WHERE query_kind = 'Insert' AND query LIKE '%swap_a%sleepEachRow%'`);
        if (running.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const started = performance.now();
      await client.command({ query: `EXCHANGE TABLES swap_a AND swap_b${onCluster}` });
      await awaitInsertsStartedBefore(store, started);
      // The insert had found swap_a before the swap, so its rows are in what is now swap_b: all of them by now.
      const [{ n }] = (await store.query<{ n: number }>('test', `SELECT count() AS n FROM ${everywhere('swap_b')}`)) as [{ n: number }];
      expect(n).toBe(30);
      await slow;
    });

    test('a gateway serves a profile from it', async () => {
      const t = await startTestGateway({ ...env, CLICKHOUSE_DATABASE: database });
      try {
        const res = await t.graphql<{ customer: { id: string; firstName: string } | null }>('{ customer(id: "S001") { id firstName } }');
        expect(res.data?.customer).toEqual({ id: 'S001', firstName: 'S001' });
      } finally {
        await t.close();
      }
    });
  });
}
