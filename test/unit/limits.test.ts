import { InProcessActivityBus } from '../../src/activity/bus';
import { parse, type GraphQLSchema } from 'graphql';
import { checkDocumentLimits, documentLimitsChecker, MAX_NESTING, nestingError, type DocumentLimits } from '../../src/limits/document';
import { Role } from '../../src/auth/roles';
import { CredentialRateLimiter } from '../../src/limits/rateLimit';
import { buildGatewaySchema } from '../../src/schema/build';

const limits: DocumentLimits = {
  maxDepth: 10,
  maxAliases: 30,
  maxDirectives: 50,
  maxCost: 50_000,
  argumentBounds: { maxIds: 100, maxFirst: 100, maxLimit: 50 },
};

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGatewaySchema(new InProcessActivityBus());
});

const check = (query: string, variables: Record<string, unknown> = {}, l: DocumentLimits = limits) =>
  checkDocumentLimits(schema, parse(query), l, { variables })?.extensions ?? null;
const costOf = (query: string, variables: Record<string, unknown> = {}) =>
  check(query, variables, { ...limits, maxCost: 1 })?.['actual'];

describe('cost', () => {
  test('a field costs 1; a list field 1 + size × the cost of one item', () => {
    expect(costOf('{ customer(id: "C1") { id email } }')).toBe(3);
    // favouriteProducts: 1 + 5 × 2; customers: 1 + 3 × (1 + 11).
    expect(costOf('{ customers(ids: ["a", "b", "c"]) { id favouriteProducts { productName purchases } } }')).toBe(1 + 3 * (1 + 11));
    // Defaults count: timeline(first: 20) of edges { cursor } → 1 + 20 × 2.
    expect(costOf('{ customer(id: "C1") { timeline { edges { cursor } } } }')).toBe(1 + 41);
  });

  test('sizes come from variables too, and above the MAX_* bound count at the bound', () => {
    const q = 'query($n: Int) { customer(id: "C1") { recentErrors(limit: $n) { page } } }';
    expect(costOf(q, { n: 10 })).toBe(1 + 1 + 10);
    expect(costOf(q, { n: 1_000_000 })).toBe(1 + 1 + 50);
    expect(costOf(q, { n: -5 })).toBe(1 + 1);
  });

  test('federation representations have no bound but their cost', () => {
    const representations = Array.from({ length: 60_000 }, (_, i) => ({ __typename: 'Customer', id: `C${i}` }));
    expect(check('query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: representations })).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'cost',
    });
  });

  test('fragments spread exponentially stop at the node limit', () => {
    const defs = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const deep = { ...limits, maxDepth: 100 };
    expect(check(`{ ...F0 } ${defs} fragment F30 on Query { __typename }`, {}, deep)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'nodes' });
  });
});

describe('verdicts kept per document', () => {
  const q = parse('query($id: ID!, $n: Int, $ids: [ID!]!) { customer(id: $id) { recentErrors(limit: $n) { page } } customers(ids: $ids) { id } }');
  const costOfVars = (checker: ReturnType<typeof documentLimitsChecker>, variables: Record<string, unknown>) =>
    checker(q, { variables })?.extensions['actual'];

  test('the cost follows sizes and list lengths, whatever the ids', () => {
    const checker = documentLimitsChecker(schema, { ...limits, maxCost: 1 });
    expect(costOfVars(checker, { id: 'C1', n: 10, ids: ['a'] })).toBe(1 + 1 + 10 + 1 + 1);
    expect(costOfVars(checker, { id: 'C2', n: 10, ids: ['b'] })).toBe(1 + 1 + 10 + 1 + 1);
    expect(costOfVars(checker, { id: 'C2', n: 20, ids: ['b'] })).toBe(1 + 1 + 20 + 1 + 1);
    expect(costOfVars(checker, { id: 'C2', n: 20, ids: ['b', 'c', 'd'] })).toBe(1 + 1 + 20 + 1 + 3);
    expect(costOfVars(checker, { id: 'C3', n: 10, ids: ['e'] })).toBe(1 + 1 + 10 + 1 + 1);
  });

  test('a request whose variables cannot be costed leaves nothing behind for the next one', () => {
    const checker = documentLimitsChecker(schema, { ...limits, maxCost: 30 });
    // n as a string does not fit Int: not costed here (execution refuses it), and not remembered.
    expect(checker(q, { variables: { id: 'C1', n: 'many', ids: ['a'] } })).toBeNull();
    expect(checker(q, { variables: { id: 'C1', n: 50, ids: ['a'] } })?.extensions).toMatchObject({ limit: 'cost', actual: 1 + 1 + 50 + 1 + 1 });
    expect(checker(q, { variables: { id: 'C1', n: 5, ids: ['a'] } })).toBeNull();
  });

  test('the shape rules are checked once per document and still refuse it every time', () => {
    const checker = documentLimitsChecker(schema, { ...limits, maxDepth: 4 });
    const deep = parse('{ customer(id: "C1") { timeline { edges { node { type } } } } }');
    expect(checker(deep)?.extensions).toMatchObject({ limit: 'depth' });
    expect(checker(deep)?.extensions).toMatchObject({ limit: 'depth' });
  });
});

test('depth, aliases and directives', () => {
  expect(check('{ customer(id: "C1") { timeline { edges { node { type } } } } }', {}, { ...limits, maxDepth: 4 })).toEqual({
    code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 4, actual: 5,
  });
  expect(check(`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }`)).toMatchObject({ limit: 'aliases', actual: 31 });
  expect(check(`{ ${Array.from({ length: 51 }, () => '__typename @include(if: true)').join(' ')} }`)).toMatchObject({ limit: 'directives', actual: 51 });
  expect(check('{ customer(id: "C1") { id } }')).toBeNull();
});

test('bracket nesting is measured on tokens, before any parsing', () => {
  expect(nestingError(`${'{ a '.repeat(MAX_NESTING)}${'}'.repeat(MAX_NESTING)}`, 10_000)).toBeNull();
  expect(nestingError(`${'{ a '.repeat(MAX_NESTING + 1)}`, 10_000)?.extensions).toMatchObject({ limit: 'depth', max: MAX_NESTING });
  // Brackets inside strings and comments do not count; lexer errors are left to the parser.
  expect(nestingError(`{ f(s: "${'['.repeat(500)}") } # ${'{'.repeat(500)}`, 10_000)).toBeNull();
  expect(nestingError('{ a \u0000 }', 10_000)).toBeNull();
});

test('the rate limiter counts per credential at its role\'s rate and says when to retry; 0 means no limit', async () => {
  const limiter = new CredentialRateLimiter({ windowSec: 30, perRole: { support: 2, personalisation: 5, privacy: 2 } });
  expect(await limiter.take('a', Role.SUPPORT)).toEqual({ allowed: true });
  expect(await limiter.take('a', Role.SUPPORT)).toEqual({ allowed: true });
  const third = await limiter.take('a', Role.SUPPORT);
  expect(third.allowed).toBe(false);
  expect(third.allowed === false && third.retryAfterSec >= 1 && third.retryAfterSec <= 30).toBe(true);
  expect(await limiter.take('b', Role.SUPPORT)).toEqual({ allowed: true });
  // A personalisation credential goes on to its own, higher rate.
  for (let i = 0; i < 5; i++) expect(await limiter.take('storefront', Role.PERSONALISATION)).toEqual({ allowed: true });
  expect((await limiter.take('storefront', Role.PERSONALISATION)).allowed).toBe(false);
  const off = new CredentialRateLimiter({ windowSec: 1, perRole: { support: 0, personalisation: 0, privacy: 0 } });
  for (let i = 0; i < 100; i++) expect(await off.take('a', Role.PERSONALISATION)).toEqual({ allowed: true });
});
