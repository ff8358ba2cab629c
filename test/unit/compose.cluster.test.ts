// docker-compose.cluster.yml cannot run here (no Docker, no ClickHouse server), so this checks what can be:
// it is valid YAML, its parts agree with each other and with deploy/cluster/*, and each gateway's environment
// is a configuration the gateway accepts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { hashApiKey } from '../../src/auth/credentials';
import { loadConfig } from '../../src/config';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: string;
  hostname?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
}
const compose = parse(read('docker-compose.cluster.yml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const named = (prefix: string) => Object.keys(services).filter((n) => n.startsWith(prefix)).sort();
const clickhouseXml = read('deploy/cluster/clickhouse.xml');
const keeperXml = read('deploy/cluster/keeper.xml');
const haproxy = read('deploy/cluster/haproxy.cfg');
const gateways = named('gateway-');

test('2 shards × 2 replicas, each server with its shard and replica, all in the cluster the gateways name', () => {
  const servers = named('clickhouse-');
  expect(servers).toEqual(['clickhouse-s1r1', 'clickhouse-s1r2', 'clickhouse-s2r1', 'clickhouse-s2r2']);
  const cluster = services[gateways[0]!]!.environment!['CLICKHOUSE_CLUSTER']!;
  const shards = [...new RegExp(`<${cluster}>([\\s\\S]*?)</${cluster}>`).exec(clickhouseXml)![1]!.matchAll(/<shard>([\s\S]*?)<\/shard>/g)].map((m) =>
    [...m[1]!.matchAll(/<host>([^<]+)<\/host>/g)].map((h) => h[1]),
  );
  expect(shards).toEqual([
    ['clickhouse-s1r1', 'clickhouse-s1r2'],
    ['clickhouse-s2r1', 'clickhouse-s2r2'],
  ]);
  for (const name of servers) {
    const s = services[name]!;
    expect({ name, hostname: s.hostname, env: s.environment }).toEqual({
      name,
      hostname: name,
      env: expect.objectContaining({ CLICKHOUSE_SHARD: name[12], CLICKHOUSE_REPLICA: name }),
    });
    expect(s.volumes).toContain('./deploy/cluster/clickhouse.xml:/etc/clickhouse-server/config.d/cluster.xml:ro');
  }
  expect(clickhouseXml).toContain('<shard from_env="CLICKHOUSE_SHARD" />');
  expect(clickhouseXml).toContain('<replica from_env="CLICKHOUSE_REPLICA" />');
});

test('three Keepers, which the servers use and which know each other', () => {
  const keepers = named('keeper-');
  expect(keepers).toEqual(['keeper-1', 'keeper-2', 'keeper-3']);
  expect(keepers.map((k) => services[k]!.environment!['KEEPER_ID'])).toEqual(['1', '2', '3']);
  expect([...clickhouseXml.matchAll(/<node><host>([^<]+)<\/host><port>9181<\/port><\/node>/g)].map((m) => m[1])).toEqual(keepers);
  expect([...keeperXml.matchAll(/<server><id>(\d)<\/id><hostname>([^<]+)<\/hostname>/g)].map((m) => [m[1], m[2]])).toEqual([
    ['1', 'keeper-1'],
    ['2', 'keeper-2'],
    ['3', 'keeper-3'],
  ]);
});

test('a MongoDB replica set of three members, initiated with the hosts the gateways connect to', () => {
  const members = named('mongo-');
  expect(members).toEqual(['mongo-1', 'mongo-2', 'mongo-3']);
  for (const m of members) expect(services[m]!.hostname).toBe(m);
  const init = services['mongo-1']!.healthcheck!.test.join(' ');
  for (const m of members) expect(init).toContain(`host: '${m}:27017'`);
  for (const g of gateways) {
    expect(services[g]!.environment!['MONGO_URL']).toBe('mongodb://mongo-1:27017,mongo-2:27017,mongo-3:27017/?replicaSet=rs0');
  }
});

test('two gateway replicas with a configuration the gateway accepts: the cluster, Kafka fan-out, credentials', () => {
  expect(gateways).toEqual(['gateway-1', 'gateway-2']);
  expect(existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
  const key = hashApiKey('any-key');
  for (const g of gateways) {
    const env = services[g]!.environment!;
    expect(services[g]!.build).toBe('.');
    expect(env['AUTH_API_KEYS']).toMatch(/^\$\{AUTH_API_KEYS:\?/);
    const config = loadConfig({ ...env, AUTH_API_KEYS: `${key}:support:ops` });
    expect(config.activity.fanout).toBe('kafka');
    expect(config.clickhouse).toMatchObject({ mode: 'server', url: 'http://lb:8123', cluster: { name: 'c360', consistency: 'quorum' } });
    expect(config.kafka?.brokers).toEqual(['kafka:19092']);
    expect(config.ingest).toMatchObject({ enabled: true, lease: { sources: 'all' } });
  }
});

test('the load balancer passes WebSockets to ready gateways, and spreads ClickHouse requests over the servers', () => {
  expect(services['lb']!.ports).toEqual(expect.arrayContaining(['127.0.0.1:4000:4000', '127.0.0.1:8123:8123']));
  const backend = (name: string) => new RegExp(`backend ${name}\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(haproxy)![1]!;
  const servers = (name: string) => [...backend(name).matchAll(/^\s+server (\S+) (\S+):(\d+)/gm)].map((m) => `${m[2]}:${m[3]}`);
  expect(servers('gateways')).toEqual(gateways.map((g) => `${g}:4000`));
  expect(backend('gateways')).toContain('option httpchk GET /readyz');
  expect(haproxy).toMatch(/^\s+mode http$/m);
  expect(haproxy).toMatch(/^\s+timeout tunnel 1h$/m);
  expect(servers('clickhouse_servers')).toEqual(named('clickhouse-').map((c) => `${c}:8123`));
});

test('every file the services mount is in the repository, and every named volume is declared', () => {
  for (const [name, s] of Object.entries(services)) {
    for (const volume of s.volumes ?? []) {
      const [source] = volume.split(':');
      if (source!.startsWith('./')) expect({ name, source, exists: existsSync(path.join(ROOT, source!)) }).toEqual({ name, source, exists: true });
      else expect({ name, source, declared: source! in compose.volumes }).toEqual({ name, source, declared: true });
    }
  }
});
