import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { InProcessActivityBus } from '../../src/activity/bus';
import { ConfigError } from '../../src/config';
import { ErrorCode } from '../../src/errors';
import { graphqlValidationRules } from '../../src/limits/document';
import { TrustedDocuments, type TrustedDocumentsOptions } from '../../src/limits/trustedDocuments';
import { buildGatewaySchema } from '../../src/schema/build';

let schema: GraphQLSchema;
let dir: string;

const QUERY = 'query Names($ids: [ID!]!) { customers(ids: $ids) { id firstName } }';
const ID = `sha256:${createHash('sha256').update(QUERY).digest('hex')}`;

beforeAll(async () => {
  schema = await buildGatewaySchema(new InProcessActivityBus());
  dir = mkdtempSync(path.join(tmpdir(), 'c360-manifests-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function manifestFile(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const load = (files: string[], options: Partial<TrustedDocumentsOptions> = {}) =>
  TrustedDocuments.load(schema, { mode: 'required', files, maxTokens: 10_000, rules: graphqlValidationRules({ introspection: true }), ...options });

describe('loading manifests', () => {
  test("the console's documents are always trusted; an operator's manifest adds its own", () => {
    const consoleOnly = load([]);
    expect(consoleOnly.size).toBeGreaterThan(0);
    const both = load([manifestFile('ok.json', { [ID]: QUERY })]);
    expect(both.size).toBe(consoleOnly.size + 1);
    expect(both.resolve({ documentId: ID })).toMatchObject({ ok: true, trusted: { id: ID, source: QUERY } });
  });

  test.each([
    ['not JSON', '{ nope', /cannot read .*bad-json\.json/],
    ['not an object', '["query { __typename }"]', /is not a manifest: a JSON object of document id to document text/],
    ['a document that is not text', { 'sha256:1': 42 }, /document sha256:1 is not a string/],
    ['a document that does not parse', { 'sha256:2': 'query {' }, /document sha256:2 does not parse/],
    ['a document the schema does not have', { 'sha256:3': '{ customer(id: "1") { shoeSize } }' }, /document sha256:3 is not valid against the schema: Cannot query field "shoeSize"/],
  ])('refuses %s, naming the file and the document', (_what, content, message) => {
    const file = manifestFile(_what === 'not JSON' ? 'bad-json.json' : 'bad.json', content);
    expect(() => load([file])).toThrow(ConfigError);
    expect(() => load([file])).toThrow(message);
  });

  test('refuses a missing file and one id used for two documents', () => {
    expect(() => load([path.join(dir, 'missing.json')])).toThrow(/TRUSTED_DOCUMENTS_FILES: cannot read .*missing\.json/);
    const a = manifestFile('a.json', { 'x-app:names': QUERY });
    const b = manifestFile('b.json', { 'x-app:names': '{ __typename }' });
    expect(() => load([a, b])).toThrow(/id x-app:names names two different documents/);
  });

  test('checks documents with the rules in force: no introspection when it is off', () => {
    const file = manifestFile('introspection.json', { 'sha256:4': '{ __schema { types { name } } }' });
    expect(() => load([file])).not.toThrow();
    expect(() => load([file], { rules: graphqlValidationRules({ introspection: false }) })).toThrow(/introspection/i);
  });
});

describe('resolving a request', () => {
  let required: TrustedDocuments;
  let optional: TrustedDocuments;
  beforeAll(() => {
    const file = manifestFile('names.json', { [ID]: QUERY });
    required = load([file]);
    optional = load([file], { mode: 'optional' });
  });
  const refusal = { ok: false, error: { extensions: { code: ErrorCode.UNTRUSTED_DOCUMENT } } };

  test('finds a document by id, by Apollo persisted-query hash and by its exact text', () => {
    for (const trusted of [required, optional]) {
      expect(trusted.resolve({ documentId: ID })).toMatchObject({ ok: true, trusted: { id: ID } });
      expect(trusted.resolve({ extensions: { persistedQuery: { version: 1, sha256Hash: ID.slice(7) } } })).toMatchObject({ ok: true, trusted: { id: ID } });
      expect(trusted.resolve({ query: QUERY })).toMatchObject({ ok: true, trusted: { id: ID } });
    }
  });

  test('required: anything else is refused', () => {
    expect(required.resolve({ query: `${QUERY}\n` })).toMatchObject(refusal);
    expect(required.resolve({ extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } })).toMatchObject(refusal);
  });

  test('optional: anything else runs as an ordinary request', () => {
    expect(optional.resolve({ query: `${QUERY}\n` })).toEqual({ ok: true, trusted: null });
    expect(optional.resolve({ extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } })).toEqual({ ok: true, trusted: null });
  });

  test('an unknown or malformed document id, or an id beside a text, is refused in either mode', () => {
    for (const trusted of [required, optional]) {
      expect(trusted.resolve({ documentId: 'sha256:ab' })).toMatchObject(refusal);
      expect(trusted.resolve({ documentId: 7 })).toMatchObject(refusal);
      expect(trusted.resolve({ documentId: ID, query: QUERY })).toMatchObject(refusal);
    }
  });

  test('a request with no document at all is left to the transport to answer', () => {
    expect(required.resolve({})).toEqual({ ok: true, trusted: null });
  });
});
