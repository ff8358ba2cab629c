import { hashApiKey } from '../../src/auth/credentials';
import { ConfigError, loadConfig } from '../../src/config';
import { isLoopbackHost } from '../../src/loopback';

const KEY = `${hashApiKey('k')}:support:desk`;

test('loopback addresses', () => {
  for (const h of ['127.0.0.1', '127.3.2.1', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h)).toBe(true);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
});

describe('AUTH_MODE', () => {
  test('defaults to none on loopback without credentials (the demo), and to required once any is configured', () => {
    expect(loadConfig({}).auth.mode).toBe('none');
    expect(loadConfig({ AUTH_API_KEYS: KEY }).auth.mode).toBe('required');
    expect(loadConfig({ AUTH_JWT_SECRET: 's'.repeat(32) }).auth.mode).toBe('required');
  });

  test('a non-loopback HOST requires credentials and refuses AUTH_MODE=none', () => {
    expect(loadConfig({ HOST: '0.0.0.0', AUTH_API_KEYS: KEY }).auth).toMatchObject({ mode: 'required', apiKeys: [{ role: 'support', name: 'desk' }] });
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(
      'AUTH_MODE="required" (HOST="0.0.0.0" is not loopback): needs AUTH_API_KEYS, AUTH_JWT_SECRET or AUTH_JWKS_URL',
    );
    expect(() => loadConfig({ HOST: '0.0.0.0', AUTH_MODE: 'none', AUTH_API_KEYS: KEY })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: '0.0.0.0', AUTH_MODE: 'none' })).toThrow(/AUTH_MODE="none": allowed only while HOST is a loopback address/);
  });

  test('bad credentials configuration names the key at fault and never echoes a secret', () => {
    expect(() => loadConfig({ AUTH_API_KEYS: 'nothex:support' })).toThrow('AUTH_API_KEYS: entry 1: expected a 64-digit SHA-256 hex digest');
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'too-short-secret' })).toThrow('AUTH_JWT_SECRET=[redacted, 16 characters]: must be at least 32 characters');
    expect(() => loadConfig({ AUTH_MODE: 'required' })).toThrow(/needs AUTH_API_KEYS/);
  });
});

describe('configuration errors never echo a secret', () => {
  const messageOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('the configuration was accepted');
  };

  test.each([
    ['the JWT secret', { AUTH_JWT_SECRET: 'hunter2-but-short' }, 'hunter2-but-short'],
    ['the metrics token', { METRICS_TOKEN: 'hunter2' }, 'hunter2'],
    ['a password inside a ClickHouse URL', { CLICKHOUSE_URL: 'http://default:hunter2@:8123' }, 'hunter2'],
    ['a password inside a MongoDB URL', { MONGO_URL: 'postgres://app:hunter2@db/fashion' }, 'hunter2'],
    ['a password inside a JWKS URL', { AUTH_JWKS_URL: 'http://idp:hunter2@idp.example.com/jwks.json', AUTH_JWT_ISSUER: 'i', AUTH_JWT_AUDIENCE: 'a' }, 'hunter2'],
  ])('%s', (_what, env, secret) => {
    const message = messageOf(env);
    expect(message).toMatch(new RegExp(Object.keys(env)[0]!));
    expect(message).not.toContain(secret);
  });

  test('a value that is not secret is still shown, to say what is wrong with it', () => {
    expect(messageOf({ QUERY_MAX_DEPTH: '0' })).toMatch(/QUERY_MAX_DEPTH="0"/);
  });
});

describe('JWKS', () => {
  const jwks = { AUTH_JWT_ISSUER: 'https://idp.example.com/', AUTH_JWT_AUDIENCE: 'customer360' };

  test('only over https (http only to a loopback address, for tests)', () => {
    expect(loadConfig({ AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json', ...jwks }).auth.jwt).toMatchObject({ jwksUrl: 'https://idp.example.com/.well-known/jwks.json' });
    expect(loadConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:9000/jwks.json', ...jwks }).auth.mode).toBe('required');
    expect(() => loadConfig({ AUTH_JWKS_URL: 'http://idp.example.com/jwks.json', ...jwks })).toThrow(
      'AUTH_JWKS_URL="http://idp.example.com/jwks.json": must be an https URL (http is accepted only for a loopback address, in tests)',
    );
  });

  test('needs AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE', () => {
    expect(() => loadConfig({ AUTH_JWKS_URL: 'https://idp.example.com/jwks.json' })).toThrow(
      'AUTH_JWKS_URL: needs AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE (tokens must name this gateway)',
    );
    expect(() => loadConfig({ AUTH_JWKS_URL: 'https://idp.example.com/jwks.json', AUTH_JWT_ISSUER: 'https://idp.example.com/' })).toThrow(
      'AUTH_JWKS_URL: needs AUTH_JWT_AUDIENCE',
    );
    // HS256 secrets are this gateway's own: iss and aud stay optional there.
    expect(loadConfig({ AUTH_JWT_SECRET: 's'.repeat(32) }).auth.jwt).toEqual({ secret: 's'.repeat(32), roleClaim: 'role' });
  });
});

test('query limits, rate limit and switches have defaults and bounds', () => {
  const c = loadConfig({});
  expect(c.queryLimits).toEqual({ maxDepth: 10, maxCost: 50_000, maxAliases: 30, maxDirectives: 50, maxTokens: 10_000, maxBodyBytes: 102_400, timeoutMs: 10_000 });
  // Per role: a support desk's rate, and a storefront's single key well above one process's capacity.
  expect(c.rateLimit).toEqual({ windowSec: 60, perRole: { support: 3_000, personalisation: 300_000, privacy: 3_000 } });
  expect(loadConfig({ RATE_LIMIT_PERSONALISATION: '0' }).rateLimit.perRole.personalisation).toBe(0);
  expect(c.graphql).toEqual({ introspection: true, graphiql: true });
  expect(loadConfig({ GRAPHQL_INTROSPECTION: 'false', GRAPHIQL: 'off' }).graphql).toEqual({ introspection: false, graphiql: false });
  expect(() => loadConfig({ QUERY_MAX_DEPTH: '0' })).toThrow(/QUERY_MAX_DEPTH="0"/);
});

test('ALLOWED_ORIGINS takes origins as browsers send them, and names any other entry', () => {
  expect(loadConfig({ ALLOWED_ORIGINS: 'https://shop.example.com, http://127.0.0.1:3000' }).auth.allowedOrigins).toEqual([
    'https://shop.example.com',
    'http://127.0.0.1:3000',
  ]);
  expect(loadConfig({}).auth.allowedOrigins).toEqual([]);
  for (const bad of ['https://shop.example.com/', 'shop.example.com', '*', 'null', 'ftp://files.example.com']) {
    expect(() => loadConfig({ ALLOWED_ORIGINS: `https://ok.example.com,${bad}` })).toThrow(`${JSON.stringify(bad)} is not an origin`);
  }
});

test('TRUSTED_DOCUMENTS is optional or required, with manifests listed in TRUSTED_DOCUMENTS_FILES', () => {
  expect(loadConfig({}).trustedDocuments).toEqual({ mode: 'optional', files: [] });
  expect(loadConfig({ TRUSTED_DOCUMENTS: 'required', TRUSTED_DOCUMENTS_FILES: 'a.json, b.json' }).trustedDocuments).toEqual({
    mode: 'required',
    files: ['a.json', 'b.json'],
  });
  expect(() => loadConfig({ TRUSTED_DOCUMENTS: 'on' })).toThrow(/TRUSTED_DOCUMENTS="on"/);
});
