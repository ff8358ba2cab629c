import { ConfigError, loadConfig } from '../../src/config';

const SERVER = { CLICKHOUSE_URL: 'http://ch:8123' };

describe('cluster configuration', () => {
  test('CLICKHOUSE_CLUSTER adds the cluster to the server, with quorum writes by default', () => {
    expect(loadConfig({ ...SERVER, CLICKHOUSE_CLUSTER: 'c360' }).clickhouse).toEqual({
      mode: 'server',
      url: 'http://ch:8123',
      user: 'default',
      password: '',
      database: 'customer360',
      cluster: { name: 'c360', consistency: 'quorum', quorumTimeoutMs: 60_000 },
    });
    const sequential = loadConfig({ ...SERVER, CLICKHOUSE_CLUSTER: 'c360', CLICKHOUSE_CONSISTENCY: 'sequential', CLICKHOUSE_QUORUM_TIMEOUT_MS: '5000' });
    expect(sequential.clickhouse).toMatchObject({ cluster: { name: 'c360', consistency: 'sequential', quorumTimeoutMs: 5_000 } });
    expect(loadConfig(SERVER).clickhouse).not.toHaveProperty('cluster');
  });

  test('a cluster needs a server: the embedded engine is one process', () => {
    expect(() => loadConfig({ CLICKHOUSE_CLUSTER: 'c360' })).toThrow(ConfigError);
    expect(() => loadConfig({ CLICKHOUSE_CLUSTER: 'c360' })).toThrow(/CLICKHOUSE_CLUSTER="c360": needs CLICKHOUSE_URL/);
  });

  test('a consistency without a cluster is named as a mistake', () => {
    expect(() => loadConfig({ ...SERVER, CLICKHOUSE_CONSISTENCY: 'quorum' })).toThrow(/CLICKHOUSE_CONSISTENCY="quorum": applies only with CLICKHOUSE_CLUSTER/);
  });

  test('bad values name their key', () => {
    expect(() => loadConfig({ ...SERVER, CLICKHOUSE_CLUSTER: 'c360; DROP' })).toThrow(/CLICKHOUSE_CLUSTER="c360; DROP": must be a plain SQL identifier/);
    expect(() => loadConfig({ ...SERVER, CLICKHOUSE_CLUSTER: 'c', CLICKHOUSE_CONSISTENCY: 'eventual' })).toThrow(/CLICKHOUSE_CONSISTENCY="eventual"/);
    expect(() => loadConfig({ ...SERVER, CLICKHOUSE_QUORUM_TIMEOUT_MS: '10' })).toThrow(/CLICKHOUSE_QUORUM_TIMEOUT_MS="10"/);
  });
});
