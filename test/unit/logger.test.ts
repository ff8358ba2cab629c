import { Writable } from 'node:stream';
import { hashApiKey } from '../../src/auth/credentials';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';

test('secrets are redacted wherever the gateway logs them', () => {
  let out = '';
  const sink = new Writable({
    write(chunk, _e, done) {
      out += String(chunk);
      done();
    },
  });
  const logger = createLogger('info', {}, sink);
  const secrets = ['JWT-SECRET-0123456789-0123456789-abc', 'CH-PASSWORD-1', 'SASL-PASSWORD-2', 'API-KEY-3', 'BEARER-4', 'COOKIE-5'];
  const config = loadConfig({
    AUTH_JWT_SECRET: secrets[0],
    AUTH_API_KEYS: `${hashApiKey('k')}:support`,
    CLICKHOUSE_URL: 'http://127.0.0.1:8123',
    CLICKHOUSE_PASSWORD: secrets[1],
    KAFKA_BROKERS: '127.0.0.1:9092',
    KAFKA_SASL_MECHANISM: 'plain',
    KAFKA_SASL_USERNAME: 'u',
    KAFKA_SASL_PASSWORD: secrets[2],
  });
  logger.info({ config }, 'configuration');
  logger.info(config, 'configuration, flat');
  logger.child({ component: 'http' }).info({ req: { headers: { authorization: `Bearer ${secrets[4]}`, 'x-api-key': secrets[3], cookie: secrets[5] } } }, 'request');
  logger.info({ headers: { Authorization: `ApiKey ${secrets[3]}` } }, 'headers');
  logger.info({ connectionParams: { apiKey: secrets[3] } }, 'socket');
  expect(out.split('\n').filter(Boolean)).toHaveLength(5);
  for (const secret of secrets) expect(out).not.toContain(secret);
  expect(out).toContain('[redacted]');
});
