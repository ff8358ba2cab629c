import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Authenticator, credentialsFromConnectionParams, credentialsFromHeaders } from '../../src/auth/authenticate';
import { ApiKeyVerifier, generateApiKey, hashApiKey, parseApiKeyEntries } from '../../src/auth/credentials';
import { hasPermission, Permission, Role } from '../../src/auth/roles';
import type { AuthConfig } from '../../src/config';

describe('API keys', () => {
  test('only the SHA-256 of a key is configured, and the key is found by it', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^c360_[\w-]{43}$/);
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const verifier = new ApiKeyVerifier(parseApiKeyEntries([`${hashApiKey(key)}:personalisation:recommender`]));
    expect(verifier.verify(key)).toEqual({ id: 'key:recommender', role: Role.PERSONALISATION, kind: 'api-key' });
    expect(verifier.verify(`${key}x`)).toBeNull();
    expect(verifier.verify(hashApiKey(key))).toBeNull();
  });

  test('entries are checked: digest, role, name, duplicates; the name defaults to the digest prefix', () => {
    const digest = hashApiKey('k');
    expect(parseApiKeyEntries([`${digest.toUpperCase()}:support`])).toEqual([{ sha256: digest, role: Role.SUPPORT, name: digest.slice(0, 8) }]);
    expect(() => parseApiKeyEntries(['abc:support'])).toThrow('entry 1: expected a 64-digit SHA-256 hex digest');
    expect(() => parseApiKeyEntries([`${digest}:admin`])).toThrow('entry 1: role "admin" is not one of support, personalisation');
    expect(() => parseApiKeyEntries([`${digest}:support:bad name`])).toThrow('entry 1: name may hold');
    expect(() => parseApiKeyEntries([`${digest}:support:a`, `${digest}:personalisation:b`])).toThrow('entry 2: the same key is listed twice');
  });
});

test('roles: support reads personal data, personalisation does not', () => {
  expect(hasPermission(Role.SUPPORT, Permission.PERSONAL_DATA)).toBe(true);
  expect(hasPermission(Role.PERSONALISATION, Permission.PERSONAL_DATA)).toBe(false);
});

test('credentials are read from headers and from graphql-ws connection parameters', () => {
  expect(credentialsFromHeaders({ authorization: 'Bearer t', 'x-api-key': 'k' })).toEqual({ authorization: 'Bearer t', apiKey: 'k' });
  expect(credentialsFromHeaders({})).toEqual({});
  expect(credentialsFromConnectionParams({ Authorization: 'Bearer t' })).toEqual({ authorization: 'Bearer t' });
  expect(credentialsFromConnectionParams({ apiKey: 'k', authorization: 5 })).toEqual({ apiKey: 'k' });
  expect(credentialsFromConnectionParams(undefined)).toEqual({});
});

describe('Authenticator', () => {
  const base: AuthConfig = { mode: 'required', apiKeys: [], allowedOrigins: [] };

  test('AUTH_MODE=none: everyone is the anonymous support user, whatever they present', async () => {
    const auth = new Authenticator({ ...base, mode: 'none' });
    expect(await auth.authenticate({ authorization: 'Bearer junk' })).toEqual({ ok: true, principal: { id: 'anonymous', role: Role.SUPPORT, kind: 'anonymous' } });
  });

  test('HS256 tokens: signature, expiry, issuer and audience are checked; the role comes from a dotted claim path', async () => {
    const secret = 'unit-test-secret-of-at-least-32-characters';
    const auth = new Authenticator({ ...base, jwt: { secret, issuer: 'iss', audience: 'aud', roleClaim: 'app.role' } });
    const sign = (claims: Record<string, unknown>, key = secret, exp = '1m') =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('iss').setAudience('aud').setSubject('svc').setExpirationTime(exp).sign(new TextEncoder().encode(key));

    expect(await auth.authenticate({ authorization: `Bearer ${await sign({ app: { role: 'personalisation' } })}` })).toEqual({
      ok: true,
      principal: { id: 'jwt:iss:svc', role: Role.PERSONALISATION, kind: 'jwt', expiresAt: expect.any(Number) },
    });
    const wrongKey = await auth.authenticate({ authorization: `Bearer ${await sign({ app: { role: 'support' } }, 'x'.repeat(40))}` });
    expect(wrongKey).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    const expired = await auth.authenticate({ authorization: `Bearer ${await sign({ app: { role: 'support' } }, secret, '-1m')}` });
    expect(expired).toMatchObject({ ok: false, code: 'UNAUTHENTICATED', message: expect.stringMatching(/exp/) });
    const noRole = await auth.authenticate({ authorization: `Bearer ${await sign({ role: 'support' })}` });
    expect(noRole).toMatchObject({ ok: false, code: 'FORBIDDEN', message: 'The token carries no known role in claim "app.role".' });
  });

  test('RS256 tokens are verified against keys from the JWKS URL; HS256 is not accepted without a secret', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
      const auth = new Authenticator({ ...base, jwt: { jwksUrl: url, issuer: 'idp', audience: 'c360', roleClaim: 'role' } });
      const rs = (claims: Record<string, unknown>, audience = 'c360') =>
        new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer('idp').setAudience(audience).setSubject('desk').setExpirationTime('1m').sign(privateKey);
      expect(await auth.authenticate({ authorization: `Bearer ${await rs({ role: 'support' })}` })).toEqual({
        ok: true,
        principal: { id: 'jwt:idp:desk', role: Role.SUPPORT, kind: 'jwt', expiresAt: expect.any(Number) },
      });
      // Signed by the same identity provider, but for another service.
      expect(await auth.authenticate({ authorization: `Bearer ${await rs({ role: 'support' }, 'billing')}` })).toMatchObject({
        ok: false,
        code: 'UNAUTHENTICATED',
        message: expect.stringMatching(/aud/),
      });

      const hs = await new SignJWT({ role: 'support' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1m').sign(new TextEncoder().encode('y'.repeat(40)));
      expect(await auth.authenticate({ authorization: `Bearer ${hs}` })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED', message: expect.stringMatching(/HS256/) });
    } finally {
      await new Promise((resolve) => jwks.close(resolve));
    }
  });

  test('a token without exp is refused: it would be valid forever', async () => {
    const secret = 'unit-test-secret-of-at-least-32-characters';
    const auth = new Authenticator({ ...base, jwt: { secret, roleClaim: 'role' } });
    const forever = await new SignJWT({ role: 'support' }).setProtectedHeader({ alg: 'HS256' }).setSubject('svc').sign(new TextEncoder().encode(secret));
    expect(await auth.authenticate({ authorization: `Bearer ${forever}` })).toMatchObject({
      ok: false,
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/"exp" claim/),
    });
  });

  test('the principal of a token carries its expiry (exp plus the clock tolerance)', async () => {
    const secret = 'unit-test-secret-of-at-least-32-characters';
    const auth = new Authenticator({ ...base, jwt: { secret, roleClaim: 'role' } });
    const exp = Math.floor(Date.now() / 1000) + 120;
    const token = await new SignJWT({ role: 'support' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(new TextEncoder().encode(secret));
    expect(await auth.authenticate({ authorization: `Bearer ${token}` })).toMatchObject({ ok: true, principal: { expiresAt: (exp + 5) * 1000 } });
  });

  test('a JWKS verifier needs https (http only on loopback) and a required issuer and audience', () => {
    const jwt = (jwksUrl: string, more: object = { issuer: 'idp', audience: 'c360' }) => () => new Authenticator({ ...base, jwt: { jwksUrl, roleClaim: 'role', ...more } });
    expect(jwt('http://idp.example.com/jwks.json')).toThrow(/https/);
    expect(jwt('https://idp.example.com/jwks.json', { issuer: 'idp' })).toThrow(/issuer and audience/);
    expect(jwt('https://idp.example.com/jwks.json')).not.toThrow();
    expect(jwt('http://localhost:8080/jwks.json')).not.toThrow();
  });

  test('API keys as "ApiKey <key>", as a non-JWT bearer token, or bare; nothing presented is UNAUTHENTICATED', async () => {
    const auth = new Authenticator({ ...base, apiKeys: parseApiKeyEntries([`${hashApiKey('secret-key')}:support:desk`]) });
    const desk = { ok: true, principal: { id: 'key:desk', role: Role.SUPPORT, kind: 'api-key' } };
    expect(await auth.authenticate({ authorization: 'ApiKey secret-key' })).toEqual(desk);
    expect(await auth.authenticate({ authorization: 'bearer secret-key' })).toEqual(desk);
    expect(await auth.authenticate({ apiKey: 'secret-key' })).toEqual(desk);
    expect(await auth.authenticate({})).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await auth.authenticate({ authorization: 'Bearer a.b.c' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });
});
