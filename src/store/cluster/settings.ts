import type { ClickHouseSettings } from '@clickhouse/client';
import type { TablePlacement } from './catalog';

/**
 * When a write counts as done on a cluster, so that whatever replica serves the next read sees it (the
 * sink announces activity, and sources acknowledge, only after the write is done):
 * - `quorum`: every replica of the table has the rows before the insert returns; reads go anywhere. A write
 *   fails (and the sink retries) while any replica of its shard is down, and for bookkeeping tables, held by
 *   every host, while any host is down.
 * - `sequential`: a majority of the replicas has the rows before the insert returns, one quorum insert per
 *   table at a time; reads ask for sequential consistency, so a replica that lacks an acknowledged insert
 *   refuses the read instead of answering without it. Writes survive a minority of replicas down (with three
 *   or more replicas per shard), at the price of serialized inserts and reads refused on lagging replicas.
 */
export type Consistency = 'quorum' | 'sequential';

/** Shards and replicas of the cluster, from the server's `system.clusters`. */
export interface ClusterTopology {
  cluster: string;
  /** Replicas of each shard, in shard order. */
  replicas: number[];
}

export class TopologyError extends Error {
  override name = 'TopologyError';
}

/** The topology from `SELECT shard_num, count() AS replicas FROM system.clusters WHERE cluster = … GROUP BY shard_num`. */
export function clusterTopology(cluster: string, rows: ReadonlyArray<{ shard_num: number; replicas: number }>, consistency: Consistency): ClusterTopology {
  if (rows.length === 0) {
    throw new TopologyError(`CLICKHOUSE_CLUSTER=${JSON.stringify(cluster)}: the server knows no such cluster (system.clusters); check remote_servers in its configuration`);
  }
  const replicas = [...rows].sort((a, b) => a.shard_num - b.shard_num).map((r) => Number(r.replicas));
  if (consistency === 'quorum' && new Set(replicas).size > 1) {
    throw new TopologyError(
      `CLICKHOUSE_CONSISTENCY="quorum" needs the same number of replicas in every shard of ${cluster} (found ${replicas.join(', ')}): one insert_quorum serves all shards; use "sequential" or even out the shards`,
    );
  }
  return { cluster, replicas };
}

export interface ClusterSettingsOptions {
  consistency: Consistency;
  /** How long an insert waits for its quorum before it fails (and the sink retries it). */
  quorumTimeoutMs: number;
}

/** The ClickHouse settings of each kind of statement on a cluster. */
export class ClusterSettings {
  constructor(
    readonly topology: ClusterTopology,
    readonly options: ClusterSettingsOptions,
  ) {}

  /** Reads: only the shards that hold the customers asked for, and sequential consistency when configured. */
  read(): ClickHouseSettings {
    return {
      optimize_skip_unused_shards: 1,
      ...(this.options.consistency === 'sequential' ? { select_sequential_consistency: '1' } : {}),
    };
  }

  /**
   * Inserts into `placement`: through a Distributed table the insert returns only once the shard has the rows
   * (not when they are queued on the initiator), and the quorum makes the replicas that serve reads have them.
   */
  write(placement: TablePlacement['kind']): ClickHouseSettings {
    const replicas = placement === 'everywhere' ? this.topology.replicas.reduce((a, b) => a + b, 0) : Math.min(...this.topology.replicas);
    const settings: ClickHouseSettings = {
      // distributed_foreground_insert in current ClickHouse; this older name is its alias there.
      insert_distributed_sync: 1,
      insert_quorum_timeout: this.options.quorumTimeoutMs,
    };
    if (this.options.consistency === 'sequential') return { ...settings, insert_quorum: 'auto', insert_quorum_parallel: 0 };
    return replicas > 1 ? { ...settings, insert_quorum: String(replicas) } : settings;
  }
}
