import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClickHouseStore } from './clickhouse';

/** `clickhouse/` at the project root, from both `src/store` and `dist/store`. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../clickhouse');

export interface AppliedMigration {
  name: string;
  checksum: string;
}

/** Splits a migration file into statements: `;` at the end of a line ends one; `--` lines are comments. */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Applies `clickhouse/*.sql` in name order, each once, recorded in `schema_migrations`.
 * A changed checksum of an applied file is an error: migrations are append-only.
 */
export async function migrate(store: ClickHouseStore, dir = MIGRATIONS_DIR): Promise<string[]> {
  await store.command(
    'schema_migrations',
    `CREATE TABLE IF NOT EXISTS schema_migrations
     (name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
     ENGINE = ReplacingMergeTree ORDER BY name`,
  );
  const applied = new Map(
    (await store.query<AppliedMigration>('migrations', 'SELECT name, checksum FROM schema_migrations FINAL')).map((m) => [
      m.name,
      m.checksum,
    ]),
  );
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const newlyApplied: string[] = [];
  for (const file of files) {
    const sql = await readFile(path.join(dir, file), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const previous = applied.get(file);
    if (previous !== undefined) {
      if (previous !== checksum) {
        throw new Error(`Migration ${file} changed after it was applied; add a new migration instead.`);
      }
      continue;
    }
    for (const statement of splitStatements(sql)) await store.command(file, statement);
    await store.insert('schema_migrations', [{ name: file, checksum }]);
    newlyApplied.push(file);
  }
  return newlyApplied;
}

export async function pendingMigrations(store: ClickHouseStore, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql'));
  const rows = await store.query<{ name: string }>('migrations', 'SELECT name FROM schema_migrations FINAL');
  const applied = new Set(rows.map((r) => r.name));
  return files.filter((f) => !applied.has(f));
}
