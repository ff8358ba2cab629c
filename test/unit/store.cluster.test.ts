// How the store speaks to a cluster, with a client that records what it is asked to send (no ClickHouse
// cluster runs here; the statements themselves are checked by ClickHouse's parser in cluster.golden.test.ts).
import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseStore } from '../../src/store/clickhouse';
import { TableCatalog } from '../../src/store/cluster/catalog';
import { ClusterRenderer } from '../../src/store/cluster/render';
import { ClusterSettings } from '../../src/store/cluster/settings';
import { schemaStatements } from '../../src/store/schema';

interface Sent {
  kind: 'command' | 'insert' | 'query';
  sql?: string;
  table?: string;
  settings?: Record<string, unknown>;
}

function recordingClient(sent: Sent[]): ClickHouseClient {
  return {
    command: async (p: { query: string; clickhouse_settings?: Record<string, unknown> }) => void sent.push({ kind: 'command', sql: p.query, settings: p.clickhouse_settings }),
    insert: async (p: { table: string; clickhouse_settings?: Record<string, unknown> }) => void sent.push({ kind: 'insert', table: p.table, settings: p.clickhouse_settings }),
    query: async (p: { query: string; clickhouse_settings?: Record<string, unknown> }) => {
      sent.push({ kind: 'query', sql: p.query, settings: p.clickhouse_settings });
      return { json: async () => [] };
    },
  } as unknown as ClickHouseClient;
}

async function clusterStore(sent: Sent[]): Promise<ClickHouseStore> {
  const renderer = new ClusterRenderer({ cluster: 'c360', database: 'customer360' }, TableCatalog.fromStatements(await schemaStatements()));
  const settings = new ClusterSettings({ cluster: 'c360', replicas: [2, 2] }, { consistency: 'quorum', quorumTimeoutMs: 10_000 });
  return new ClickHouseStore(recordingClient(sent), 'server', {}, { renderer, settings });
}

test('on a cluster, a command is sent as its cluster form', async () => {
  const sent: Sent[] = [];
  const store = await clusterStore(sent);
  // As src/ingest/rollup/rebuild.ts sends it: a Distributed table cannot be truncated or optimized.
  await store.command('rebuild', 'TRUNCATE TABLE customer_rollup');
  await store.command('rebuild', 'OPTIMIZE TABLE customer_rollup FINAL');
  expect(sent.map((s) => s.sql)).toEqual(['TRUNCATE TABLE customer_rollup_local ON CLUSTER c360', 'OPTIMIZE TABLE customer_rollup_local ON CLUSTER c360 FINAL']);
  expect(store.queryCount).toBe(2);
});

test('writes wait for their quorum: the shard’s replicas for customer data, every host for bookkeeping', async () => {
  const sent: Sent[] = [];
  const store = await clusterStore(sent);
  await store.insert('rollup_input', [{ user_id: 'C1' }]);
  await store.insert('ingest_checkpoints', [{ source: 'mongo', position: 'x', version: 1 }]);
  await store.command('lease', "INSERT INTO leases (name) SELECT 'x'", {}, { insert_deduplication_token: 't' });
  expect(sent).toEqual([
    { kind: 'insert', table: 'rollup_input', settings: { insert_distributed_sync: 1, insert_quorum_timeout: 10_000, insert_quorum: '2' } },
    { kind: 'insert', table: 'ingest_checkpoints', settings: { insert_distributed_sync: 1, insert_quorum_timeout: 10_000, insert_quorum: '4' } },
    {
      kind: 'command',
      sql: "INSERT INTO leases (name) SELECT 'x'",
      settings: { max_execution_time: 0, insert_distributed_sync: 1, insert_quorum_timeout: 10_000, insert_quorum: '4', insert_deduplication_token: 't' },
    },
  ]);
});

test('reads carry the cluster read settings over the store’s own', async () => {
  const sent: Sent[] = [];
  await (await clusterStore(sent)).query('profile', 'SELECT 1');
  expect(sent[0]!.settings).toEqual({ optimize_skip_unused_shards: 1 });
});

test('without a cluster, statements and settings go as they are', async () => {
  const sent: Sent[] = [];
  const store = new ClickHouseStore(recordingClient(sent), 'server', { output_format_json_quote_64bit_integers: 0 });
  await store.command('rebuild', 'TRUNCATE TABLE customer_rollup');
  await store.insert('orders', [{ user_id: 'C1' }]);
  await store.query('profile', 'SELECT 1');
  expect(sent).toEqual([
    // Statements that write are never cut short by a query timeout.
    { kind: 'command', sql: 'TRUNCATE TABLE customer_rollup', settings: { max_execution_time: 0 } },
    { kind: 'insert', table: 'orders', settings: undefined },
    { kind: 'query', sql: 'SELECT 1', settings: { output_format_json_quote_64bit_integers: 0 } },
  ]);
});
