import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { BOOTSTRAP_DDL } from './bootstrap';

/** `clickhouse/` at the project root, from both `src/store` and `dist/store`. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../clickhouse');

export interface MigrationFile {
  name: string;
  sql: string;
  /** SHA-256 of the file's bytes, as recorded in schema_migrations. */
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

export const checksumOf = (sql: string): string => createHash('sha256').update(sql).digest('hex');

/** The migration files of `dir`, in the order they apply (by name). */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}

/** Every statement that shapes the schema: the gateway's own tables, then each migration's, labelled by source. */
export async function schemaStatements(dir = MIGRATIONS_DIR): Promise<Array<{ source: string; sql: string }>> {
  const statements = BOOTSTRAP_DDL.map((b) => ({ source: `bootstrap (${b.name})`, sql: b.sql }));
  for (const file of await readMigrations(dir)) {
    for (const sql of splitStatements(file.sql)) statements.push({ source: file.name, sql });
  }
  return statements;
}
