import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { specifiedRules } from 'graphql';
import * as graphqlParser from 'graphql/language/parser';
import * as graphqlValidation from 'graphql/validation/validate';
import consoleManifest from '../../src/generated/console/persisted-documents.json';
import { ErrorCode } from '../../src/errors';
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../utils/gateway';
import { RawGraphqlWs } from '../utils/ws';

const ROOT = path.resolve(__dirname, '..', '..');

let t: TestGateway;
let dir: string;
/** The operator's manifest: the tests' own operations, written by GraphQL Code Generator's client preset. */
let manifest: Record<string, string>;

/** The id (`sha256:…`) of the manifest document that defines this operation. */
function idOf(documents: Record<string, string>, operation: string): string {
  const entry = Object.entries(documents).find(([, source]) => new RegExp(`\\b(query|subscription) ${operation}\\b`).test(source));
  if (!entry) throw new Error(`no document defines ${operation}`);
  return entry[0];
}

async function post(body: Record<string, unknown>): Promise<GraphQLResponse<Record<string, unknown>> & { status: number }> {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { ...((await response.json()) as GraphQLResponse<Record<string, unknown>>), status: response.status };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'c360-trusted-'));
  const config = {
    schema: 'schema.graphql',
    documents: 'test/operations/*.graphql',
    generates: { [`${dir}/client/`]: { preset: 'client', presetConfig: { persistedDocuments: true, fragmentMasking: false } } },
  };
  await writeFile(path.join(dir, 'codegen.json'), JSON.stringify(config));
  await promisify(execFile)(path.join(ROOT, 'node_modules', '.bin', 'graphql-codegen'), ['--config', path.join(dir, 'codegen.json'), '--silent'], { cwd: ROOT });
  const file = path.join(dir, 'client', 'persisted-documents.json');
  manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  t = await startTestGateway({ TRUSTED_DOCUMENTS: 'required', TRUSTED_DOCUMENTS_FILES: file });
  await t.gateway.sink.write([
    {
      kind: 'customer',
      row: { id: 'T1', source_id: 'T1', first_name: 'Grace', last_name: 'Hopper', gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null },
    },
  ]);
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('with TRUSTED_DOCUMENTS=required', () => {
  test('a trusted document runs by its id without being parsed or validated again', async () => {
    const parse = jest.spyOn(graphqlParser, 'parse');
    const validate = jest.spyOn(graphqlValidation, 'validate');
    try {
      const res = await post({ documentId: idOf(manifest, 'CustomerNames'), variables: { ids: ['T1'] } });
      expect(res).toMatchObject({ status: 200, data: { customers: [{ id: 'T1', firstName: 'Grace', lastName: 'Hopper' }] } });
      expect(parse).not.toHaveBeenCalled();
      // The depth and alias limits still run (graphql-armor's rules), but never the specified rules.
      expect(validate.mock.calls.filter(([, , rules]) => rules?.includes(specifiedRules[0]!))).toEqual([]);
    } finally {
      parse.mockRestore();
      validate.mockRestore();
    }
  });

  test("the console's own documents are trusted", async () => {
    const res = await post({ documentId: idOf(consoleManifest, 'ConsoleSearch'), variables: { query: 'T1' } });
    expect(res).toMatchObject({ status: 200, data: { searchCustomers: [{ id: 'T1', firstName: 'Grace' }] } });
  });

  test('by GET with documentId, by Apollo persisted-query hash, and by the exact text', async () => {
    const id = idOf(manifest, 'CustomerNames');
    const variables = JSON.stringify({ ids: ['T1'] });
    const get = await fetch(`${t.url}/graphql?documentId=${encodeURIComponent(id)}&variables=${encodeURIComponent(variables)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(200);
    expect(await get.json()).toMatchObject({ data: { customers: [{ id: 'T1' }] } });
    const sha256Hash = id.slice('sha256:'.length);
    const apq = await post({ extensions: { persistedQuery: { version: 1, sha256Hash } }, variables: { ids: ['T1'] } });
    expect(apq).toMatchObject({ status: 200, data: { customers: [{ id: 'T1' }] } });
    const text = await post({ query: manifest[id], variables: { ids: ['T1'] } });
    expect(text).toMatchObject({ status: 200, data: { customers: [{ id: 'T1' }] } });
  });

  test('anything else is refused with UNTRUSTED_DOCUMENT, before it is parsed', async () => {
    const refused = { status: 400, errors: [{ extensions: { code: ErrorCode.UNTRUSTED_DOCUMENT } }] };
    expect(await post({ query: '{ customers(ids: ["T1"]) { id email } }' })).toMatchObject(refused);
    // The same operation, but not the text the manifest holds.
    const id = idOf(manifest, 'CustomerNames');
    expect(await post({ query: `${manifest[id]} `, variables: { ids: ['T1'] } })).toMatchObject(refused);
    expect(await post({ documentId: 'sha256:0000', variables: {} })).toMatchObject(refused);
    expect(await post({ documentId: id, query: manifest[id] })).toMatchObject(refused);
    // Apollo's persisted queries cannot register a document: the hash stays unknown after the attempt.
    const query = '{ __typename }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    expect(await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } })).toMatchObject(refused);
    expect(await post({ extensions: { persistedQuery: { version: 1, sha256Hash } } })).toMatchObject(refused);
    const get = await fetch(`${t.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(400);
  });

  test('subscriptions over graphql-ws follow the same rule', async () => {
    const ws = await RawGraphqlWs.connect(t.url);
    try {
      expect(await ws.next()).toMatchObject({ type: 'connection_ack' });
      ws.subscribe('untrusted', 'subscription { customerActivity(customerId: "T1") { type } }');
      expect(await ws.next()).toMatchObject({ id: 'untrusted', type: 'error', payload: [{ extensions: { code: ErrorCode.UNTRUSTED_DOCUMENT } }] });
      // The connection stays open: a trusted document, by id, subscribes.
      const parse = jest.spyOn(graphqlParser, 'parse');
      ws.send({ id: 'trusted', type: 'subscribe', payload: { query: '', documentId: idOf(manifest, 'CustomerActivity'), variables: { customerId: 'T1' } } });
      const before = t.gateway.bus.subscriberCount();
      for (let i = 0; i < 500 && t.gateway.bus.subscriberCount() === before; i++) await new Promise((r) => setTimeout(r, 10));
      parse.mockRestore();
      expect(parse).not.toHaveBeenCalled();
      await t.gateway.sink.write([
        { kind: 'weblog', row: { user_id: 'T1', date: Date.parse('2025-03-01T10:00:00.000Z'), page: 'home.html', error_message: null, event_key: 'tw-1' } },
      ]);
      expect(await ws.next()).toMatchObject({ id: 'trusted', type: 'next', payload: { data: { customerActivity: { type: 'WEBSITE_VISIT', customerId: 'T1' } } } });
    } finally {
      ws.close();
    }
  });
});
