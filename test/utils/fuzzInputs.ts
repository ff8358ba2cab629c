/**
 * Seeded random and hostile inputs for the gateway's HTTP endpoint. The same seed gives the same
 * inputs, so a failure reproduces from the seed and the input's index.
 */

export interface FuzzInput {
  index: number;
  kind: string;
  method: string;
  /** Path and query string, from the server's root. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** mulberry32: small, fast, and good enough to pick inputs. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  text(length: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

const ROOT_FIELDS = ['customer', 'customers', 'searchCustomers', '_entities', '_service', '__typename', '__schema', '__type'];
const CUSTOMER_FIELDS = [
  'id', 'firstName', 'lastName', 'gender', 'dateOfBirth', 'age', 'email', 'address { city country }',
  'purchaseStats { totalOrders totalSpent online { orders lastOrderAt } }', 'favouriteProducts { productName purchases }',
  'lastActivity { lastLogin lastEmailSent }', 'timeline { edges { cursor node { type at summary } } pageInfo { hasNextPage endCursor } }',
  'recentErrors { message occurrences }', '__typename',
];
const NAMES = [...ROOT_FIELDS, ...CUSTOMER_FIELDS.map((f) => f.split(' ')[0] as string), 'query', 'mutation', 'subscription', 'fragment', 'on', 'Customer', 'Query', 'ActivityType', 'LOGIN', 'true', 'false', 'null', 'a', 'x_1', '_'];
const PUNCTUATION = ['{', '}', '(', ')', '[', ']', ':', '=', '@', '$', '!', '...', '|', '&', ','];
const WEIRD = ['\u0000', '\uFEFF', '\u2028', '\uD800', '\uDFFF', '😀', 'é', '\\', '\\u0000', '\\uD800', '"', '"""', '#', '\n', '\t', '\r'];
const ARG_TYPES = ['ID', 'ID!', 'String', 'String!', 'Int', 'Int!', 'Float', 'Boolean', '[ID!]!', '[ID]', '[[ID]]', 'ActivityType', '[ActivityType!]', 'Date', 'DateTime', 'Nope', '_Any'];
const CONTENT_TYPES = [
  'text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/graphql',
  'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/jsonx', '', 'application/*', '*/*', 'json',
];
const ACCEPTS = ['application/json', 'application/graphql-response+json', '*/*', 'text/html', 'application/xml', 'application/graphql-response+json;q=0.1, application/json', ''];

function randomString(rng: Rng, max: number): string {
  const parts: string[] = [];
  const n = rng.int(0, max);
  for (let i = 0; i < n; i++) parts.push(rng.bool(0.2) ? rng.pick(WEIRD) : rng.text(rng.int(1, 8), 'abcXYZ019 -_.@C'));
  return parts.join('');
}

function randomJsonValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(0, depth > 3 ? 5 : 8)) {
    case 0: return null;
    case 1: return rng.bool();
    case 2: return rng.pick([0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e308, -1e-308, 0.5, 101, 10_001]);
    case 3: return randomString(rng, 6);
    case 4: return `C${String(rng.int(0, 9_999_999)).padStart(7, '0')}`;
    case 5: return rng.pick(['LOGIN', 'WEBSITE_VISIT', 'NOPE', '2024-02-30', '2024-05-01T10:00:00.000Z', '']);
    case 6: return Array.from({ length: rng.int(0, 6) }, () => randomJsonValue(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(0, 4); i > 0; i--) o[rng.pick([...NAMES, '__proto__', 'constructor', 'id', '__typename'])] = randomJsonValue(rng, depth + 1);
      return o;
    }
  }
}

/** A GraphQL literal for an argument: usually the right type, often not. */
function randomLiteral(rng: Rng, depth = 0): string {
  switch (rng.int(0, depth > 2 ? 6 : 8)) {
    case 0: return 'null';
    case 1: return String(rng.pick([0, -5, 1, 10, 100, 101, 2147483647, 2147483648, -2147483649, 99999999999]));
    case 2: return rng.pick(['1.5', '-0.0', '1e309', '0x10', '007']);
    case 3: return JSON.stringify(randomString(rng, 5));
    case 4: return `"C${String(rng.int(0, 30)).padStart(7, '0')}"`;
    case 5: return rng.pick(['LOGIN', 'WEBSITE_ERROR', 'NOPE', 'true', 'false']);
    case 6: return `$${rng.pick(['v', 'id', 'ids', 'n', 'undeclared'])}`;
    case 7: return `[${Array.from({ length: rng.int(0, 5) }, () => randomLiteral(rng, depth + 1)).join(', ')}]`;
    default: return `{ ${Array.from({ length: rng.int(0, 3) }, () => `${rng.pick(NAMES)}: ${randomLiteral(rng, depth + 1)}`).join(', ')} }`;
  }
}

function randomArgs(rng: Rng): string {
  if (rng.bool(0.2)) return '';
  const names = ['id', 'ids', 'query', 'first', 'limit', 'after', 'types', 'representations', 'name', 'bogus'];
  return `(${Array.from({ length: rng.int(0, 3) }, () => `${rng.pick(names)}: ${randomLiteral(rng)}`).join(', ')})`;
}

function randomSelection(rng: Rng, depth = 0): string {
  const fields: string[] = [];
  for (let i = rng.int(1, 6); i > 0; i--) {
    const alias = rng.bool(0.15) ? `${rng.pick(['a', 'b', 'id', 'x'])}${rng.int(0, 9)}: ` : '';
    const directive = rng.bool(0.1) ? ` @${rng.pick(['include', 'skip', 'deprecated', 'nope'])}(if: ${rng.pick(['true', 'false', '$v', '1', 'null'])})` : '';
    const field = rng.bool(0.8) ? rng.pick(CUSTOMER_FIELDS) : rng.pick(NAMES);
    const args = rng.bool(0.25) ? randomArgs(rng) : '';
    const name = field.split(' ')[0] as string;
    const rest = field.slice(name.length);
    fields.push(`${alias}${name}${args}${directive}${rest}`);
    if (depth < 2 && rng.bool(0.1)) fields.push(`... on ${rng.pick(['Customer', 'Query', 'Nope'])} { ${randomSelection(rng, depth + 1)} }`);
  }
  return fields.join(' ');
}

function randomOperation(rng: Rng): { query: string; variables?: unknown; operationName?: unknown } {
  const root = rng.pick(ROOT_FIELDS);
  const vars = rng.bool(0.4)
    ? `(${Array.from({ length: rng.int(1, 3) }, () => `$${rng.pick(['v', 'id', 'ids', 'n'])}: ${rng.pick(ARG_TYPES)}`).join(', ')})`
    : '';
  const type = rng.pick(['query', 'query', 'query', 'subscription', 'mutation', '']);
  const head = type === '' ? '' : `${type} ${rng.bool(0.5) ? `Op${rng.int(0, 3)}` : ''}${vars}`;
  const selection = root.startsWith('__') || root === '_service' ? (root === '__typename' ? '' : '{ __typename }') : `{ ${randomSelection(rng)} }`;
  const query = `${head} { ${root}${randomArgs(rng)} ${selection} }`;
  const variables = rng.bool(0.5) ? randomJsonValue(rng) : { id: 'C0000001', ids: ['C0000001', 'C0000002'], n: rng.int(-3, 200), v: randomJsonValue(rng) };
  return { query, variables, ...(rng.bool(0.1) ? { operationName: rng.pick(['Op0', 'Op9', 5, null, ['x']]) } : {}) };
}

/** A request body nested `depth` levels deep in one of several places (built as text: too deep for JSON.stringify). */
function deepNesting(rng: Rng): string {
  const depth = rng.int(100, 4_900);
  const q = (query: string) => JSON.stringify({ query });
  switch (rng.int(0, 4)) {
    case 0: return q(`${'{ a '.repeat(depth)}${'}'.repeat(depth)}`);
    case 1: return q(`{ customers(ids: ${'['.repeat(depth)}"C1"${']'.repeat(depth)}) { id } }`);
    case 2: return q(`{ ${'... on Query { '.repeat(Math.min(depth, 3_000))}__typename${' }'.repeat(Math.min(depth, 3_000))} }`);
    case 3: return `{"query":"query($ids: [ID!]!) { customers(ids: $ids) { id } }","variables":{"ids":${'['.repeat(depth)}"C1"${']'.repeat(depth)}}}`;
    default: return q(`{ customer(id: "C1") { timeline { edges { node { ${'... on ActivityEvent { '.repeat(Math.min(depth, 3_000))}type${' }'.repeat(Math.min(depth, 3_000))} } } } } }`);
  }
}

function hugeString(rng: Rng): string {
  const size = rng.pick([1_000_000, 1_048_576, 200_000, 99_000, 60_000]);
  const s = rng.text(32, 'abcdefghijklmnop0123456789 ').repeat(Math.ceil(size / 32)).slice(0, size);
  switch (rng.int(0, 3)) {
    case 0: return JSON.stringify({ query: `{ searchCustomers(query: ${JSON.stringify(s)}) { id } }` });
    case 1: return JSON.stringify({ query: 'query($q: String!) { searchCustomers(query: $q) { id } }', variables: { q: s } });
    case 2: return JSON.stringify({ query: `{ customer(id: ${JSON.stringify(s)}) { id } }` });
    default: return JSON.stringify({ query: `# ${s}\n{ __typename }` });
  }
}

function aliasBomb(rng: Rng): string {
  const n = rng.int(31, 3_000);
  const field = rng.pick(['__typename', 'customer(id: "C0000001") { id }', 'customers(ids: ["C1","C2"]) { id email }', 'searchCustomers(query: "a") { id }']);
  return `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
}

function fragments(rng: Rng): string {
  switch (rng.int(0, 3)) {
    case 0: return '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }';
    case 1: return '{ customer(id: "C1") { ...F } } fragment F on Customer { id ...F }';
    case 2: {
      // Each fragment spreads the next twice: 2^n expansions from n fragments.
      const n = rng.int(10, 40);
      const defs = Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} a${i}: __typename }`);
      return `{ ...F0 } ${defs.join(' ')} fragment F${n} on Query { __typename }`;
    }
    default: {
      const n = rng.int(10, 30);
      const defs = Array.from({ length: n }, (_, i) => `fragment C${i} on Customer { id timeline { edges { node { type } } } ...C${i + 1} }`);
      return `{ customers(ids: ["C0000001"]) { ...C0 } } ${defs.join(' ')} fragment C${n} on Customer { ...C0 }`;
    }
  }
}

function invalidJson(rng: Rng): string {
  const valid = JSON.stringify({ query: '{ __typename }' });
  switch (rng.int(0, 7)) {
    case 0: return valid.slice(0, rng.int(0, valid.length - 1));
    case 1: return rng.text(rng.int(1, 200), '{}[]":,abc01\\ \n\u0000');
    case 2: return `${valid},`;
    case 3: return `\uFEFF${valid}`;
    case 4: return '{"query": NaN}';
    case 5: return `${'['.repeat(rng.int(1_000, 40_000))}`;
    case 6: return JSON.stringify(randomString(rng, 10));
    default: return rng.pick(['', 'null', 'true', '0', '""', '{}', '[]', '{"query":"{ __typename }"}{"query":"x"}']);
  }
}

function oddEnvelope(rng: Rng): string {
  const query = rng.pick<unknown>([null, 5, true, ['{ __typename }'], { query: '{ __typename }' }, '', ' ', '{ __typename }', 'query A { __typename } query B { __typename }', 'subscription { customerActivity(customerId: "C1") { type } }']);
  const body: Record<string, unknown> = { query };
  if (rng.bool(0.5)) body['variables'] = rng.pick<unknown>(['{"a":1}', 'x', 5, ['a'], null, { a: { b: [1, { c: null }] } }]);
  if (rng.bool(0.5)) body['operationName'] = rng.pick<unknown>(['A', 'B', 'C', 5, null, {}, '']);
  if (rng.bool(0.5)) body['extensions'] = rng.pick<unknown>([{ persistedQuery: { version: 1, sha256Hash: rng.text(64, '0123456789abcdef') } }, 'x', 5, null, { persistedQuery: 'x' }]);
  if (rng.bool(0.2)) delete body['query'];
  return JSON.stringify(body);
}

/** `count` inputs from `seed`; `auth` holds the headers of a valid credential. */
export function fuzzInputs(seed: number, count: number, auth: Record<string, string>): FuzzInput[] {
  const rng = new Rng(seed);
  const inputs: FuzzInput[] = [];
  const json = { 'content-type': 'application/json' };
  for (let index = 0; index < count; index++) {
    const roll = rng.next();
    let input: Omit<FuzzInput, 'index'>;
    const post = (kind: string, body: string, headers: Record<string, string> = json) => ({ kind, method: 'POST', path: '/graphql', headers: { ...auth, ...headers }, body });
    if (roll < 0.15) {
      const tokens = Array.from({ length: rng.int(1, 60) }, () => rng.pick([rng.pick(PUNCTUATION), rng.pick(NAMES), rng.pick(WEIRD), String(rng.int(-9, 99)), JSON.stringify(randomString(rng, 3))]));
      input = post('random tokens', JSON.stringify({ query: tokens.join(rng.bool() ? ' ' : '') }));
    } else if (roll < 0.4) {
      input = post('random operation', JSON.stringify(randomOperation(rng)));
    } else if (roll < 0.48) {
      input = post('deep nesting', deepNesting(rng));
    } else if (roll < 0.53) {
      input = post('huge string', hugeString(rng));
    } else if (roll < 0.59) {
      input = post('alias bomb', JSON.stringify({ query: aliasBomb(rng) }));
    } else if (roll < 0.64) {
      input = post('fragments', JSON.stringify({ query: fragments(rng) }));
    } else if (roll < 0.69) {
      input = post('batch', JSON.stringify(Array.from({ length: rng.int(0, 50) }, () => randomOperation(rng))));
    } else if (roll < 0.77) {
      input = post('invalid JSON', invalidJson(rng));
    } else if (roll < 0.85) {
      const type = rng.pick(CONTENT_TYPES);
      input = post('content type', JSON.stringify(randomOperation(rng)), type ? { 'content-type': type } : {});
    } else if (roll < 0.93) {
      input = post('odd envelope', oddEnvelope(rng));
    } else if (roll < 0.97) {
      const method = rng.pick(['GET', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
      const search = rng.pick([
        `?query=${encodeURIComponent(randomOperation(rng).query)}`,
        `?query=${encodeURIComponent('{ __typename }')}&variables=${encodeURIComponent(rng.pick(['{', 'null', '[1]', '{"a":1}']))}`,
        '?query=%zz%',
        `?${rng.text(rng.int(0, 40), 'a=&%?#1')}`,
        '',
      ]);
      const headers: Record<string, string> = rng.bool(0.5) ? { 'apollo-require-preflight': 'true' } : {};
      input = { kind: 'method and query string', method, path: `/graphql${search}`, headers: { ...auth, ...headers } };
    } else {
      const value = rng.pick([
        `Bearer ${rng.text(20, 'abc.')}`,
        `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"role":"support"}').toString('base64url')}.`,
        `Basic ${rng.text(12, 'abcXYZ=')}`,
        `ApiKey ${rng.text(40, 'abc_-')}`,
        rng.text(rng.int(0, 60), 'ab c!~'),
      ]);
      input = { kind: 'bad credentials', method: 'POST', path: '/graphql', headers: { ...json, authorization: value }, body: JSON.stringify({ query: '{ __typename }' }) };
    }
    if (rng.bool(0.15)) {
      const accept = rng.pick(ACCEPTS);
      if (accept) input.headers['accept'] = accept;
    }
    inputs.push({ index, ...input });
  }
  return inputs;
}
