import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  test('an empty environment gives the defaults that make `npm start` work', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(config.logLevel).toBe('info');
    expect(config.clickhouse).toEqual({ mode: 'embedded', dataDir: './data/clickhouse' });
    expect(config.mongo).toBeUndefined();
    expect(config.kafka).toBeUndefined();
    expect(config.demo).toEqual({ enabled: true, customers: 10_000, seed: 360, tricklePerSec: 3 });
    expect(config.sink).toEqual({ batchRows: 50_000, flushMs: 25, maxStringBytes: 1_048_576 });
    expect(config.limits).toEqual({ maxIds: 100, maxFirst: 100, maxLimit: 50 });
  });

  test('a bad PORT fails with the key and the value at fault', () => {
    expect(() => loadConfig({ PORT: 'http' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'http' })).toThrow(/PORT="http"/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT="70000"/);
  });

  test('every bad key is named, not only the first', () => {
    let message = '';
    try {
      loadConfig({ PORT: '-1', MAX_IDS: '0', CLICKHOUSE_DATABASE: 'drop table' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('PORT="-1"');
    expect(message).toContain('MAX_IDS="0"');
    expect(message).toContain('CLICKHOUSE_DATABASE="drop table"');
  });

  test('an empty variable counts as unset', () => {
    expect(loadConfig({ PORT: '', CLICKHOUSE_URL: '' }).http.port).toBe(4000);
    expect(loadConfig({ CLICKHOUSE_URL: '' }).clickhouse.mode).toBe('embedded');
  });

  test('CLICKHOUSE_URL switches to a server with user, password and database', () => {
    const config = loadConfig({ CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_USER: 'u', CLICKHOUSE_PASSWORD: 'p', CLICKHOUSE_DATABASE: 'c360' });
    expect(config.clickhouse).toEqual({ mode: 'server', url: 'http://ch:8123', user: 'u', password: 'p', database: 'c360' });
  });

  test('the demo is on by default and off once a real source is configured', () => {
    expect(loadConfig({}).demo.enabled).toBe(true);
    expect(loadConfig({ MONGO_URL: 'mongodb://127.0.0.1:27017' }).demo.enabled).toBe(false);
    expect(loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092' }).demo.enabled).toBe(false);
  });

  test('DEMO overrides the default either way', () => {
    expect(loadConfig({ DEMO: 'false' }).demo.enabled).toBe(false);
    expect(loadConfig({ DEMO: 'off' }).demo.enabled).toBe(false);
    expect(loadConfig({ DEMO: 'true', MONGO_URL: 'mongodb://127.0.0.1:27017' }).demo.enabled).toBe(true);
    expect(() => loadConfig({ DEMO: 'maybe' })).toThrow(/DEMO="maybe"/);
  });

  test('sources are parsed: Kafka brokers as a trimmed list, MongoDB with its database', () => {
    const config = loadConfig({ KAFKA_BROKERS: ' a:9092, b:9092 ,', MONGO_URL: 'mongodb://m:27017', MONGO_DATABASE: 'shop' });
    expect(config.kafka).toMatchObject({ brokers: ['a:9092', 'b:9092'] });
    expect(config.mongo).toEqual({ url: 'mongodb://m:27017', database: 'shop' });
  });
});
