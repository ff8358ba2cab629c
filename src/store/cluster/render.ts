import { TableCatalog, type TablePlacement } from './catalog';
import { tablesRead } from './sql';
import { ifExists, ifNotExists, parseStatement } from './statement';

/** The cluster a schema is rendered for: its name in the servers' `remote_servers`, and the database. */
export interface ClusterTarget {
  cluster: string;
  database: string;
}

/** Suffix of the table on each host behind a sharded table's Distributed table. */
export const LOCAL_SUFFIX = '_local';

/**
 * ZooKeeper (Keeper) paths of replicated tables. `{uuid}` is the table's own id, which ON CLUSTER gives every
 * host alike and which follows the table through EXCHANGE, so a rebuilt table never meets its predecessor's
 * replication log. Tables held by every host replicate across shards, so their replica names carry the shard.
 */
const SHARD_REPLICATION = "'/clickhouse/tables/{uuid}/{shard}', '{replica}'";
const EVERYWHERE_REPLICATION = "'/clickhouse/tables/{uuid}/all', '{shard}-{replica}'";

const MERGE_TREE_ENGINES = new Set([
  'MergeTree',
  'ReplacingMergeTree',
  'SummingMergeTree',
  'AggregatingMergeTree',
  'CollapsingMergeTree',
  'VersionedCollapsingMergeTree',
]);

/** ALTER actions that change columns: the Distributed table in front must change with its local tables. */
const COLUMN_ACTION = /^(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b/i;

export class ClusterRenderError extends Error {
  override name = 'ClusterRenderError';
}

/**
 * Renders the statements written for one ClickHouse server (clickhouse/*.sql, and the DDL the gateway itself
 * sends) for a cluster: every DDL statement ON CLUSTER, MergeTree engines as their Replicated forms, and
 * customer data as local tables behind Distributed tables sharded by `cityHash64(<customer id>)`. The migration
 * files stay the one source of truth; this is a transformation of them, checked statement by statement against
 * golden files through ClickHouse's own parser. A statement it does not know how to run on a cluster is refused
 * with the reason, never sent as it is.
 */
export class ClusterRenderer {
  constructor(
    readonly target: ClusterTarget,
    readonly catalog: TableCatalog,
  ) {}

  render(sql: string): string[] {
    const s = parseStatement(sql);
    const on = `ON CLUSTER ${this.target.cluster}`;
    switch (s.kind) {
      case 'createTable': {
        const placement = this.placement(s.name);
        if (placement.kind === 'view') throw this.refuse(sql, `${s.name} is a view in the catalog`);
        const engine = this.engine(sql, s.engine, s.engineArgs, placement);
        const tail = s.tail ? `\n${s.tail}` : '';
        if (placement.kind === 'everywhere') {
          return [`CREATE TABLE ${ifNotExists(s.ifNotExists)}${s.name} ${on}\n(${s.body})\nENGINE = ${engine}${tail}`];
        }
        const local = s.name + LOCAL_SUFFIX;
        return [
          `CREATE TABLE ${ifNotExists(s.ifNotExists)}${local} ${on}\n(${s.body})\nENGINE = ${engine}${tail}`,
          `CREATE TABLE ${ifNotExists(s.ifNotExists)}${s.name} ${on} AS ${local}\n` +
            `ENGINE = Distributed(${this.target.cluster}, ${this.target.database}, ${local}, cityHash64(${placement.key}))`,
        ];
      }
      case 'createView': {
        if (this.placement(s.to).kind !== 'sharded') throw this.refuse(sql, `a materialized view's target must be customer data (${s.to} is not)`);
        return [`CREATE MATERIALIZED VIEW ${ifNotExists(s.ifNotExists)}${s.name} ${on} TO ${s.to}${LOCAL_SUFFIX} AS\n${this.localSelect(sql, s.select)}`];
      }
      case 'alter': {
        if (this.placement(s.name).kind !== 'sharded') return [`ALTER TABLE ${s.name} ${on} ${s.action}`];
        const local = `ALTER TABLE ${s.name}${LOCAL_SUFFIX} ${on} ${s.action}`;
        return COLUMN_ACTION.test(s.action) ? [local, `ALTER TABLE ${s.name} ${on} ${s.action}`] : [local];
      }
      case 'drop': {
        const drop = (name: string) => `DROP TABLE ${ifExists(s.ifExists)}${name} ${on} SYNC`;
        if (this.placement(s.name).kind !== 'sharded') return [drop(s.name)];
        return [drop(s.name), drop(s.name + LOCAL_SUFFIX)];
      }
      case 'dropView':
        // A materialized view lives on every host, over that host's local tables.
        return [`DROP VIEW ${ifExists(s.ifExists)}${s.name} ${on} SYNC`];
      case 'exchange': {
        const [a, b] = [this.placement(s.a).kind, this.placement(s.b).kind];
        if (a !== b || a === 'view') throw this.refuse(sql, `${s.a} and ${s.b} must both be customer data or both bookkeeping`);
        // The Distributed tables name their local tables, so swapping the local tables swaps what they show.
        if (a === 'sharded') return [`EXCHANGE TABLES ${s.a}${LOCAL_SUFFIX} AND ${s.b}${LOCAL_SUFFIX} ${on}`];
        return [`EXCHANGE TABLES ${s.a} AND ${s.b} ${on}`];
      }
      case 'optimize':
        return [`OPTIMIZE TABLE ${this.storage(s.name)} ${on}${s.tail ? ` ${s.tail}` : ''}`];
      case 'delete':
        // A lightweight DELETE of customer data runs on the local tables of every shard.
        return [`DELETE FROM ${this.storage(s.name)} ${on} WHERE ${s.where}`];
      case 'truncate':
        return [`TRUNCATE TABLE ${ifExists(s.ifExists)}${this.storage(s.name)} ${on}`];
      case 'insert': {
        // The copy reads one replica of each shard: wait until every replica has what the others acknowledged.
        const sources = [...new Set(tablesRead(s.sql).map((t) => t.name))].filter((n) => this.catalog.placement(n)?.kind === 'sharded');
        this.placement(s.target);
        return [...sources.map((n) => `SYSTEM SYNC REPLICA ${on} ${n}${LOCAL_SUFFIX}`), s.sql];
      }
      case 'select':
        return [s.sql];
      case 'other':
        throw this.refuse(sql, 'this kind of statement has no cluster form yet');
    }
  }

  /** The table that holds the rows: the local table of customer data, the table itself otherwise. */
  private storage(name: string): string {
    return this.placement(name).kind === 'sharded' ? name + LOCAL_SUFFIX : name;
  }

  private placement(name: string): TablePlacement {
    const placement = this.catalog.placement(name);
    if (!placement) {
      throw new ClusterRenderError(
        `Table ${name} is not created by any migration or by the gateway's bootstrap, so its cluster form is unknown (known: ${this.catalog.names.join(', ')})`,
      );
    }
    return placement;
  }

  private engine(sql: string, engine: string, args: string | null, placement: TablePlacement): string {
    if (engine === 'Null') {
      if (placement.kind !== 'sharded') throw this.refuse(sql, 'a Null table on a cluster only makes sense in front of customer data');
      return 'Null';
    }
    if (!MERGE_TREE_ENGINES.has(engine)) throw this.refuse(sql, `engine ${engine} has no replicated form; use a MergeTree engine`);
    const replication = placement.kind === 'sharded' ? SHARD_REPLICATION : EVERYWHERE_REPLICATION;
    return `Replicated${engine}(${replication}${args ? `, ${args}` : ''})`;
  }

  /** A view's SELECT over the local tables, each keeping its own name as alias (columns may be qualified by it). */
  private localSelect(sql: string, select: string): string {
    let out = select;
    for (const t of tablesRead(select).reverse()) {
      const placement = this.catalog.placement(t.name);
      if (placement?.kind !== 'sharded') throw this.refuse(sql, `a materialized view must read customer data only (${t.name} is not)`);
      const local = t.name + LOCAL_SUFFIX + (t.aliased ? '' : ` AS ${t.name}`);
      out = out.slice(0, t.index) + local + out.slice(t.index + t.name.length);
    }
    return out;
  }

  private refuse(sql: string, reason: string): ClusterRenderError {
    const head = sql.trim().split(/\s+/).slice(0, 4).join(' ');
    return new ClusterRenderError(
      `Cannot run "${head} …" on cluster ${this.target.cluster}: ${reason}. Teach src/store/cluster/render.ts its cluster form, then run npm run cluster:golden.`,
    );
  }
}
