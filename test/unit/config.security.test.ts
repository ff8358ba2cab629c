import { hashApiKey } from '../../src/auth/credentials';
import { ConfigError, isLoopbackHost, loadConfig } from '../../src/config';

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
    let message = '';
    try {
      loadConfig({ AUTH_JWT_SECRET: 'too-short-secret' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/AUTH_JWT_SECRET=.*must be at least 32 characters/);
    expect(() => loadConfig({ AUTH_MODE: 'required' })).toThrow(/needs AUTH_API_KEYS/);
  });
});

test('query limits, rate limit and switches have defaults and bounds', () => {
  const c = loadConfig({});
  expect(c.queryLimits).toEqual({ maxDepth: 10, maxCost: 50_000, maxAliases: 30, maxDirectives: 50, maxTokens: 10_000, maxBodyBytes: 102_400, timeoutMs: 10_000 });
  expect(c.rateLimit).toEqual({ requests: 3_000, windowSec: 60 });
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
