import { columnNames, orderByColumns } from './sql';
import { parseStatement } from './statement';

/**
 * How a table lives on a cluster:
 * - `sharded`: customer data. A `<name>_local` table on every host (replicated within its shard) and a
 *   `Distributed` table `<name>` in front of them, sharded by a hash of the customer id, so that all rows of
 *   one customer are on one shard and FINAL, the rollups and any per-customer work stay shard-local;
 * - `everywhere`: bookkeeping without a customer (checkpoints, migration state, leases). One replicated table
 *   whose replicas are every host, so every host holds all of it and reads it locally;
 * - `view`: a materialized view, created on every host over the local tables.
 */
export type TablePlacement = { kind: 'sharded'; key: string } | { kind: 'everywhere' } | { kind: 'view' };

/** Columns that hold the customer id, in order of preference: a table with one is customer data. */
export const CUSTOMER_COLUMNS = ['user_id', 'id'] as const;

export class CatalogError extends Error {
  override name = 'CatalogError';
}

/**
 * Where each table of the schema lives on a cluster, from the CREATE statements of the bootstrap and of every
 * migration file. A name keeps one placement across all files (a table dropped and created again, as the
 * rebuilds do, must come back the same way), so any statement can be rendered without replaying history.
 */
export class TableCatalog {
  private readonly tables = new Map<string, TablePlacement>();

  static fromStatements(statements: Iterable<{ source: string; sql: string }>): TableCatalog {
    const catalog = new TableCatalog();
    for (const { source, sql } of statements) catalog.learn(source, sql);
    return catalog;
  }

  placement(name: string): TablePlacement | undefined {
    return this.tables.get(name);
  }

  get names(): string[] {
    return [...this.tables.keys()].sort();
  }

  private learn(source: string, sql: string): void {
    const statement = parseStatement(sql);
    if (statement.kind === 'createView') return this.add(source, statement.name, { kind: 'view' });
    if (statement.kind !== 'createTable') return;
    this.add(source, statement.name, placementOf(source, statement.name, statement.body, statement.tail));
  }

  private add(source: string, name: string, placement: TablePlacement): void {
    const known = this.tables.get(name);
    if (known && JSON.stringify(known) !== JSON.stringify(placement)) {
      throw new CatalogError(
        `${source}: table ${name} is created as ${describe(placement)} here but as ${describe(known)} elsewhere; a name keeps one placement on a cluster`,
      );
    }
    this.tables.set(name, placement);
  }
}

function describe(p: TablePlacement): string {
  return p.kind === 'sharded' ? `customer data sharded by ${p.key}` : p.kind === 'view' ? 'a materialized view' : 'a table on every host';
}

/**
 * Customer data when the table has a customer column, and then its sorting key must start with it: the rows of
 * one customer are one range of the primary key on one shard. Everything else is bookkeeping, held by every host.
 */
function placementOf(source: string, name: string, body: string, tail: string): TablePlacement {
  const columns = columnNames(body);
  const key = CUSTOMER_COLUMNS.find((c) => columns.includes(c));
  if (!key) return { kind: 'everywhere' };
  const order = orderByColumns(tail);
  if (order && order[0] !== key) {
    throw new CatalogError(
      `${source}: table ${name} holds customer data (column ${key}) but its ORDER BY starts with ${order[0]}; start it with ${key} so one customer is one range on one shard`,
    );
  }
  return { kind: 'sharded', key };
}
