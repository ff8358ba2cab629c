import { createRequire } from 'node:module';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { ConfigError, type Config } from '../config';
import { TableCatalog } from './cluster/catalog';
import { ClusterRenderer } from './cluster/render';
import { ClusterSettings, clusterTopology } from './cluster/settings';
import { parseStatement } from './cluster/statement';
import { schemaStatements } from './schema';

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

export type QueryParams = Record<string, unknown>;

/** Observes every statement sent to ClickHouse (query counting in tests, metrics in production). */
export type QueryObserver = (event: { kind: 'query' | 'insert' | 'command'; label: string; ms: number; ok: boolean }) => void;

const READ_SETTINGS: ClickHouseSettings = {
  // Millisecond timestamps and counts come back as JSON numbers, not strings.
  output_format_json_quote_64bit_integers: 0,
};

/** What the store needs to run on a cluster: how to render DDL, and the settings of reads and writes. */
export interface ClusterMode {
  renderer: ClusterRenderer;
  settings: ClusterSettings;
}

/**
 * The one data-access module in front of ClickHouse. Embedded (chdb, in-process, persistent
 * directory) by default; a ClickHouse server when CLICKHOUSE_URL is set, or a cluster of them with
 * CLICKHOUSE_CLUSTER. All are the same `@clickhouse/client` API, so nothing above this module knows
 * which one runs: on a cluster, every command is rendered for it (src/store/cluster/render.ts) and
 * reads and writes carry the consistency settings (src/store/cluster/settings.ts).
 */
export class ClickHouseStore {
  private observers: QueryObserver[] = [];
  /** Statements sent so far; tests compare it before and after a request. */
  queryCount = 0;

  /** What every SELECT carries: the store's read settings, and on a cluster its read settings over them. */
  private readonly readSettings: ClickHouseSettings;

  constructor(
    readonly client: ClickHouseClient,
    readonly mode: 'embedded' | 'server',
    readSettings: ClickHouseSettings = READ_SETTINGS,
    readonly cluster: ClusterMode | null = null,
  ) {
    this.readSettings = cluster ? { ...readSettings, ...cluster.settings.read() } : readSettings;
  }

  observe(observer: QueryObserver): () => void {
    this.observers.push(observer);
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /**
   * Runs a SELECT; every value reaches SQL as a `{name:Type}` parameter. When `signal` aborts (the request
   * that needs the rows has gone), the statement is abandoned: a ClickHouse server cancels it (the HTTP
   * request closes, and cancel_http_readonly_queries_on_client_close is set); the embedded engine never
   * starts it if it is still waiting its turn, and lets it finish (bounded by max_execution_time) if it runs.
   * `settings` add to the read settings (an erasure's check reads with `apply_deleted_mask: 0`).
   */
  async query<T>(label: string, query: string, params: QueryParams = {}, options: { signal?: AbortSignal; settings?: ClickHouseSettings } = {}): Promise<T[]> {
    return this.timed('query', label, async () => {
      const result = await this.client.query({
        query,
        query_params: params,
        format: 'JSONEachRow',
        clickhouse_settings: { ...this.readSettings, ...options.settings },
        ...(options.signal ? { abort_signal: options.signal } : {}),
      });
      return result.json<T>();
    });
  }

  /** This store, with every SELECT it sends abandoned when `signal` aborts (loaders of one request use it). */
  withSignal(signal: AbortSignal): ClickHouseStore {
    // Everything but `query` is this store's own: its client, its counters, its observers.
    const scoped = Object.create(this) as ClickHouseStore;
    scoped.query = <T>(label: string, query: string, params?: QueryParams) => this.query<T>(label, query, params, { signal });
    return scoped;
  }

  async insert(table: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const settings = this.writeSettings(table);
    await this.timed('insert', table, () =>
      this.client.insert({ table, values: rows as object[], format: 'JSONEachRow', ...(settings ? { clickhouse_settings: settings } : {}) }),
    );
  }

  /** A statement without result (DDL, INSERT … SELECT); on a cluster, the statements its cluster form takes. */
  async command(label: string, query: string, params: QueryParams = {}, settings: ClickHouseSettings = {}): Promise<void> {
    const statements = this.cluster ? this.cluster.renderer.render(query) : [query];
    const statement = parseStatement(query);
    const write = statement.kind === 'insert' ? this.writeSettings(statement.target) : undefined;
    await this.timed('command', label, async () => {
      for (const sql of statements) {
        // No time limit: a statement that changes data or schema must finish, however long a migration's copy or a
        // merge takes. (The embedded engine keeps settings for its session, so a SELECT's limit would apply otherwise.)
        await this.client.command({ query: sql, query_params: params, clickhouse_settings: { max_execution_time: 0, ...write, ...settings } });
      }
    });
  }

  /** On a cluster, the quorum of the table written (customer data, or bookkeeping held by every host). */
  private writeSettings(table: string): ClickHouseSettings | undefined {
    if (!this.cluster) return undefined;
    const placement = this.cluster.renderer.catalog.placement(table);
    return this.cluster.settings.write(placement?.kind === 'everywhere' ? 'everywhere' : 'sharded');
  }

  async ping(): Promise<boolean> {
    const result = await this.client.ping();
    return result.success;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async timed<T>(kind: 'query' | 'insert' | 'command', label: string, run: () => Promise<T>): Promise<T> {
    this.queryCount++;
    const started = performance.now();
    let ok = false;
    try {
      const result = await run();
      ok = true;
      return result;
    } finally {
      const ms = performance.now() - started;
      for (const observer of this.observers) observer({ kind, label, ms, ok });
    }
  }
}

/** What the gateway uses of `chdb/connection`; typed here, so that the gateway builds without chdb installed. */
interface EmbeddedEngine {
  createChdbConnection(options: { path: string }): unknown;
}

/**
 * Loads the embedded engine. chdb (about 540 MB) is an optional dependency: an install that uses a
 * ClickHouse server can leave it out, so it is loaded only here, when CLICKHOUSE_URL is unset.
 */
export function loadEmbeddedEngine(moduleName = 'chdb/connection'): EmbeddedEngine {
  try {
    return createRequire(__filename)(moduleName) as EmbeddedEngine;
  } catch (error) {
    // MODULE_NOT_FOUND: chdb itself is missing; CHDB_PLATFORM: chdb is there without its engine package.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'CHDB_PLATFORM') throw error;
    throw new ConfigError(
      `CLICKHOUSE_URL is not set, so the gateway runs the embedded ClickHouse engine, but its optional package is not installed ` +
        `(${(error as Error).message.split('\n')[0]}). Install it with \`npm install chdb\`, or set CLICKHOUSE_URL to a ClickHouse server.`,
    );
  }
}

export interface StoreOptions {
  /** ClickHouse stops a SELECT that runs longer (max_execution_time, whole seconds, rounded up). */
  queryTimeoutMs?: number;
}

export async function createClickHouseStore(config: Config['clickhouse'], options: StoreOptions = {}): Promise<ClickHouseStore> {
  const readSettings: ClickHouseSettings = {
    ...READ_SETTINGS,
    ...(options.queryTimeoutMs ? { max_execution_time: Math.ceil(options.queryTimeoutMs / 1000) } : {}),
  };
  if (config.mode === 'embedded') {
    // chdb keeps one engine per process and serves its own default database from the directory.
    // chdb implements @clickhouse/client-common's Connection, which the client bundles its own copy of.
    const { createChdbConnection } = loadEmbeddedEngine();
    const connection = createChdbConnection({ path: config.dataDir }) as ClientConnection;
    const client = createClient({ connection });
    return new ClickHouseStore(client, 'embedded', readSettings);
  }
  const admin = createClient({ url: config.url, username: config.user, password: config.password });
  let cluster: ClusterMode | null = null;
  try {
    if (config.cluster) {
      const { name, consistency, quorumTimeoutMs } = config.cluster;
      const shards = await admin.query({
        query: 'SELECT shard_num, count() AS replicas FROM system.clusters WHERE cluster = {cluster:String} GROUP BY shard_num',
        query_params: { cluster: name },
        format: 'JSONEachRow',
        clickhouse_settings: READ_SETTINGS,
      });
      const topology = clusterTopology(name, await shards.json<{ shard_num: number; replicas: number }>(), consistency);
      const catalog = TableCatalog.fromStatements(await schemaStatements());
      cluster = {
        renderer: new ClusterRenderer({ cluster: name, database: config.database }, catalog),
        settings: new ClusterSettings(topology, { consistency, quorumTimeoutMs }),
      };
      await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.database} ON CLUSTER ${name}` });
    } else {
      await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.database}` });
    }
  } finally {
    await admin.close();
  }
  const client = createClient({
    url: config.url,
    username: config.user,
    password: config.password,
    database: config.database,
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
  // A SELECT whose HTTP request is closed (its caller aborted it) stops on the server too.
  return new ClickHouseStore(client, 'server', { ...readSettings, cancel_http_readonly_queries_on_client_close: 1 }, cluster);
}
