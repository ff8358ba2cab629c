import { ClusterSettings, clusterTopology, TopologyError } from '../../src/store/cluster/settings';

const rows = (...replicas: number[]) => replicas.map((n, i) => ({ shard_num: i + 1, replicas: n }));

describe('clusterTopology', () => {
  test('replicas per shard, in shard order', () => {
    expect(clusterTopology('c', [{ shard_num: 2, replicas: 2 }, { shard_num: 1, replicas: 2 }], 'quorum')).toEqual({ cluster: 'c', replicas: [2, 2] });
  });

  test('an unknown cluster is an error that names the key', () => {
    expect(() => clusterTopology('nope', [], 'quorum')).toThrow(new TopologyError(
      'CLICKHOUSE_CLUSTER="nope": the server knows no such cluster (system.clusters); check remote_servers in its configuration',
    ));
  });

  test('quorum writes need the same replica count in every shard; sequential ones do not', () => {
    expect(() => clusterTopology('c', rows(2, 3), 'quorum')).toThrow(/same number of replicas in every shard of c \(found 2, 3\)/);
    expect(clusterTopology('c', rows(2, 3), 'sequential').replicas).toEqual([2, 3]);
  });
});

describe('ClusterSettings', () => {
  const options = { quorumTimeoutMs: 30_000 };

  test('quorum: a write returns once every replica of its table has it, and reads go anywhere', () => {
    const settings = new ClusterSettings({ cluster: 'c', replicas: [2, 2] }, { ...options, consistency: 'quorum' });
    expect(settings.write('sharded')).toEqual({ insert_distributed_sync: 1, insert_quorum_timeout: 30_000, insert_quorum: '2' });
    // Bookkeeping is replicated to every host: 2 shards × 2 replicas.
    expect(settings.write('everywhere')).toEqual({ insert_distributed_sync: 1, insert_quorum_timeout: 30_000, insert_quorum: '4' });
    expect(settings.read()).toEqual({ optimize_skip_unused_shards: 1 });
  });

  test('quorum with one replica per shard needs no quorum for customer data', () => {
    const settings = new ClusterSettings({ cluster: 'c', replicas: [1, 1, 1] }, { ...options, consistency: 'quorum' });
    expect(settings.write('sharded')).toEqual({ insert_distributed_sync: 1, insert_quorum_timeout: 30_000 });
    expect(settings.write('everywhere')).toMatchObject({ insert_quorum: '3' });
  });

  test('sequential: a majority, one quorum insert at a time, and reads with sequential consistency', () => {
    const settings = new ClusterSettings({ cluster: 'c', replicas: [3, 3] }, { ...options, consistency: 'sequential' });
    for (const placement of ['sharded', 'everywhere'] as const) {
      expect(settings.write(placement)).toEqual({ insert_distributed_sync: 1, insert_quorum_timeout: 30_000, insert_quorum: 'auto', insert_quorum_parallel: 0 });
    }
    expect(settings.read()).toEqual({ optimize_skip_unused_shards: 1, select_sequential_consistency: '1' });
  });
});
