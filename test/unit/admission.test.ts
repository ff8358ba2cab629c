import { ApolloServer } from '@apollo/server';
import { parse, specifiedRules, type GraphQLSchema } from 'graphql';
import { SignJWT } from 'jose';
import { InProcessActivityBus } from '../../src/activity/bus';
import { Admission, type Caller } from '../../src/admission/admission';
import { Authenticator } from '../../src/auth/authenticate';
import { CredentialRateLimiter } from '../../src/limits/rateLimit';
import { TrustedDocuments } from '../../src/limits/trustedDocuments';
import { buildGatewaySchema } from '../../src/schema/build';
import { AdmittedDocumentStore } from '../../src/transport/apolloDocuments';

const SECRET = 'admission-unit-test-secret-0123456789';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGatewaySchema(new InProcessActivityBus());
});
afterEach(() => jest.useRealTimers());

const admission = () =>
  new Admission({
    schema,
    authenticator: new Authenticator({ mode: 'required', apiKeys: [], allowedOrigins: [], jwt: { secret: SECRET, roleClaim: 'role' } }),
    rateLimiter: new CredentialRateLimiter({ windowSec: 60, perRole: { support: 0, personalisation: 0, privacy: 0 } }),
    documents: { maxDepth: 10, maxAliases: 30, maxDirectives: 50, maxCost: 50_000, maxTokens: 10_000, introspection: true, argumentBounds: { maxIds: 100, maxFirst: 100, maxLimit: 50 } },
    trustedDocuments: TrustedDocuments.load(schema, { mode: 'optional', files: [], maxTokens: 10_000, rules: specifiedRules }),
    caps: { connections: 10, operations: 10 },
  });

describe('a connection', () => {
  test('checks its credential again on every operation, and is told when it expires', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    const exp = Math.floor(Date.now() / 1000) + 60;
    const jwt = await new SignJWT({ role: 'personalisation' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(new TextEncoder().encode(SECRET));
    const caller: Caller = { credentials: { authorization: `Bearer ${jwt}` }, address: '127.0.0.1', forwarded: false };
    const gate = admission();
    const identity = await gate.identify(caller);
    if (!identity.ok) throw new Error('the token was refused');
    let expired = 0;
    const connection = gate.connect(caller, identity.value, () => expired++);
    if (!connection.ok) throw new Error('the connection was refused');
    expect(await connection.value.admit('1', { query: '{ __typename }' })).toMatchObject({ ok: true });

    // Past exp and its 5 s of tolerance: the next operation is refused, and the connection was told to close.
    jest.setSystemTime(new Date((exp + 6) * 1000));
    jest.advanceTimersByTime(66_000);
    expect(expired).toBe(1);
    const again = await connection.value.admit('2', { query: '{ __typename }' });
    expect(again).toMatchObject({ ok: false, refusal: { code: 'UNAUTHENTICATED' } });
    connection.value.close();
  });

  test('an expiry weeks away is waited for in steps (setTimeout holds at most about 24.8 days)', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    const exp = Math.floor(Date.now() / 1000) + 40 * 86_400;
    const jwt = await new SignJWT({ role: 'support' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(new TextEncoder().encode(SECRET));
    const caller: Caller = { credentials: { authorization: `Bearer ${jwt}` }, address: '127.0.0.1', forwarded: false };
    const gate = admission();
    const identity = await gate.identify(caller);
    if (!identity.ok) throw new Error('the token was refused');
    let expired = 0;
    const connection = gate.connect(caller, identity.value, () => expired++);
    jest.advanceTimersByTime(30 * 86_400_000);
    expect(expired).toBe(0);
    jest.advanceTimersByTime(10 * 86_400_000 + 6_000);
    expect(expired).toBe(1);
    if (connection.ok) connection.value.close();
  });
});

describe('Apollo Server behind admission', () => {
  test('executes the admitted document without parsing it, and refuses any request it would have to parse itself', async () => {
    const documents = new AdmittedDocumentStore();
    const apollo = new ApolloServer({ schema, documentStore: documents.store, plugins: [documents.plugin], logger: { debug() {}, info() {}, warn() {}, error() {} } });
    await apollo.start();
    try {
      const query = '{ __typename }';
      const release = documents.hold(query, parse(query));
      const served = await apollo.executeOperation({ query });
      release();
      expect(served.body).toEqual({ kind: 'single', singleResult: { data: { __typename: 'Query' } } });
      // Nothing held for it: Apollo would parse and validate with rules of its own.
      await expect(apollo.executeOperation({ query })).rejects.toThrow('Internal server error');
    } finally {
      await apollo.stop();
    }
  });
});
