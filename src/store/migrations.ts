import type { Logger } from '../logger';
import { SCHEMA_MIGRATIONS_DDL } from './bootstrap';
import type { ClickHouseStore } from './clickhouse';
import { parseStatement } from './cluster/statement';
import { Lease, processOwner, withLease, type LeaseGuard } from './lease';
import { MIGRATIONS_DIR, readMigrations, splitStatements } from './schema';

export { MIGRATIONS_DIR, splitStatements } from './schema';

export interface AppliedMigration {
  name: string;
  checksum: string;
}

/**
 * Migrations are append-only: each file's checksum is recorded when it is applied, and a file whose text
 * changed afterwards is refused. A file that had to be amended after it was applied lists here the checksum
 * of each earlier text it replaces, with the reason; a deployment that recorded one of them has applied the
 * file and carries on without running it again.
 */
export const EARLIER_CHECKSUMS: Readonly<Record<string, ReadonlyArray<{ checksum: string; reason: string }>>> = {
  '002_point_read_storage.sql': [
    {
      checksum: '67ea2dfe8a65ff11daedb41fe5a27d1b83dda5ac478d767e4bdb2ba5db93192e',
      // The first text copied each table and swapped the copy in, so rows that another gateway wrote to the old
      // table between the copy and the swap (a shared ClickHouse server) were dropped with it. The amended text
      // copies those rows after the swap, and runs again safely from any point. It leaves the same tables, so a
      // deployment that ran the first text has nothing to redo.
      reason: 'rows written during the rebuild are kept',
    },
  ],
};

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface MigrateOptions {
  /**
   * How the schema lock is held. `clickhouse`: a lease in ClickHouse, which every process sharing a server or
   * cluster sees. `process`: nothing beyond this process, which is right for the embedded engine (chdb lets one
   * process open a data directory). Default: `clickhouse` on a server, `process` embedded.
   */
  lock?: 'clickhouse' | 'process';
  /** How long to wait for another process's migrations. Default: 10 minutes. */
  lockWaitMs?: number;
  /** The lock's lease: how long it holds without renewal (renewed every third of it). Default: 15 s. */
  lockTtlMs?: number;
  /** Waiting for the lock is logged. */
  logger?: Logger;
}

/**
 * Applies `clickhouse/*.sql` in name order, each once, recorded in `schema_migrations`, under the schema lock:
 * of several gateways starting together, one migrates and the others wait, then find nothing to do.
 */
export async function migrate(store: ClickHouseStore, dir = MIGRATIONS_DIR, options: MigrateOptions = {}): Promise<string[]> {
  return withSchemaLock(store, (guard) => applyMigrations(store, dir, guard), options);
}

/**
 * Runs `work` holding the schema lock: migrations, and whatever must not race them or another process's
 * start-up (the gateway rebuilds out-of-date rollups under it).
 */
export async function withSchemaLock<T>(store: ClickHouseStore, work: (guard: LeaseGuard) => Promise<T>, options: MigrateOptions = {}): Promise<T> {
  const lock = options.lock ?? (store.mode === 'server' ? 'clickhouse' : 'process');
  if (lock === 'process') return work({ assertHeld: () => undefined });
  const lease = new Lease(store, 'schema', processOwner(), { ttlMs: options.lockTtlMs ?? 15_000 });
  return withLease(lease, work, { waitMs: options.lockWaitMs ?? 600_000, ...(options.logger ? { logger: options.logger } : {}) });
}

/**
 * Applies the pending migrations of `dir`; the caller holds the schema lock (`guard`). Each file runs again
 * safely after a crash part-way (its statements are written so), so a file is recorded only once all of it ran.
 */
export async function applyMigrations(store: ClickHouseStore, dir: string, guard: LeaseGuard): Promise<string[]> {
  await store.command('schema_migrations', SCHEMA_MIGRATIONS_DDL);
  const applied = new Map(
    (await store.query<AppliedMigration>('migrations', 'SELECT name, checksum FROM schema_migrations FINAL')).map((m) => [m.name, m.checksum]),
  );
  const newlyApplied: string[] = [];
  for (const file of await readMigrations(dir)) {
    const previous = applied.get(file.name);
    if (previous !== undefined) {
      if (previous !== file.checksum && !EARLIER_CHECKSUMS[file.name]?.some((e) => e.checksum === previous)) {
        throw new MigrationError(`Migration ${file.name} changed after it was applied; add a new migration instead.`);
      }
      continue;
    }
    for (const statement of splitStatements(file.sql)) {
      guard.assertHeld();
      const started = performance.now();
      await store.command(file.name, statement);
      if (store.mode === 'server' && parseStatement(statement).kind === 'exchange') await awaitInsertsStartedBefore(store, started);
    }
    await store.insert('schema_migrations', [{ name: file.name, checksum: file.checksum }]);
    newlyApplied.push(file.name);
  }
  return newlyApplied;
}

/**
 * After a table swap on a shared server: waits until every insert that was already running when the swap began
 * has finished. Such an insert had found the old table and completes into it, so the copy that follows the swap
 * must come after it, or its rows would be dropped with the old table.
 */
export async function awaitInsertsStartedBefore(store: ClickHouseStore, startedAt: number, timeoutMs = 120_000): Promise<void> {
  const processes = store.cluster ? `clusterAllReplicas(${store.cluster.settings.topology.cluster}, system.processes)` : 'system.processes';
  for (;;) {
    const seconds = (performance.now() - startedAt) / 1000;
    const [row] = await store.query<{ n: number }>(
      'migrations',
      `SELECT count() AS n FROM ${processes} WHERE query_kind = 'Insert' AND elapsed >= {seconds:Float64}`,
      { seconds },
    );
    if (Number(row?.n ?? 0) === 0) return;
    if (seconds * 1000 > timeoutMs) {
      throw new MigrationError(`${row!.n} insert(s) begun before a table swap still run after ${Math.round(seconds)} s; the migration stops here and runs again safely`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function pendingMigrations(store: ClickHouseStore, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = await readMigrations(dir);
  const rows = await store.query<{ name: string }>('migrations', 'SELECT name FROM schema_migrations FINAL');
  const applied = new Set(rows.map((r) => r.name));
  return files.map((f) => f.name).filter((f) => !applied.has(f));
}
