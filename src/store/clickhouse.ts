import { createRequire } from 'node:module';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { ConfigError, type Config } from '../config';

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

export type QueryParams = Record<string, unknown>;

/** Observes every statement sent to ClickHouse (query counting in tests, metrics in production). */
export type QueryObserver = (event: { kind: 'query' | 'insert' | 'command'; label: string; ms: number; ok: boolean }) => void;

const READ_SETTINGS: ClickHouseSettings = {
  // Millisecond timestamps and counts come back as JSON numbers, not strings.
  output_format_json_quote_64bit_integers: 0,
};

/**
 * The one data-access module in front of ClickHouse. Embedded (chdb, in-process, persistent
 * directory) by default; a ClickHouse server when CLICKHOUSE_URL is set. Both are the same
 * `@clickhouse/client` API, so nothing above this module knows which one runs.
 */
export class ClickHouseStore {
  private observers: QueryObserver[] = [];
  /** Statements sent so far; tests compare it before and after a request. */
  queryCount = 0;

  constructor(
    readonly client: ClickHouseClient,
    readonly mode: 'embedded' | 'server',
    private readonly readSettings: ClickHouseSettings = READ_SETTINGS,
  ) {}

  observe(observer: QueryObserver): () => void {
    this.observers.push(observer);
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /** Runs a SELECT; every value reaches SQL as a `{name:Type}` parameter. */
  async query<T>(label: string, query: string, params: QueryParams = {}): Promise<T[]> {
    return this.timed('query', label, async () => {
      const result = await this.client.query({
        query,
        query_params: params,
        format: 'JSONEachRow',
        clickhouse_settings: this.readSettings,
      });
      return result.json<T>();
    });
  }

  async insert(table: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    await this.timed('insert', table, () =>
      this.client.insert({ table, values: rows as object[], format: 'JSONEachRow' }),
    );
  }

  async command(label: string, query: string, params: QueryParams = {}): Promise<void> {
    await this.timed('command', label, () => this.client.command({ query, query_params: params }));
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
  try {
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.database}` });
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
  return new ClickHouseStore(client, 'server', readSettings);
}
