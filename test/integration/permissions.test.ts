import { getNamedType, isLeafType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashApiKey } from '../../src/auth/credentials';
import { Role, ROLES } from '../../src/auth/roles';
import { buildGatewaySchema } from '../../src/schema/build';
import type { IngestRecord } from '../../src/ingest/records';
import { COLUMNS, FORBIDDEN, ROLE_FIELD_TABLE, type Decision } from '../fixtures/roleFieldTable';
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../utils/gateway';
import { documentedRoleFieldTable, printRoleFieldTable, reprintRoleFieldTable } from '../utils/roleFieldTable';
import { RawGraphqlWs } from '../utils/ws';

// The role × field table (test/fixtures/roleFieldTable.ts) against the running gateway: every field of every
// type, for every role, over HTTP; the subscription's fields over WebSocket; the customer's fields through
// federation's `_entities`. A field of the schema without a row fails here first.

const keyOf = (role: Role) => `c360_table-${role}-key-0123456789`;

/** One customer for whom every field has a value somewhere: details, both channels, an email opened and clicked, a visit, a login, an error. */
const at = (day: number) => Date.UTC(2025, 0, day, 9);
const DATA: IngestRecord[] = [
  {
    kind: 'customer',
    row: {
      id: 'T1', source_id: 'T1', first_name: 'Grace', last_name: 'Hopper', gender: 'female', dob: '1906-12-09',
      email: 'grace@example.com', street: '1 Navy Yard', city: 'Arlington', postcode: '22202', country: 'United States',
    },
  },
  { kind: 'order', row: { user_id: 'T1', channel: 'online', order_id: 'T1-o1', date: at(2), item_names: ['Scarf'], item_prices: [20], item_quantities: [2], location: 'Leeds' } },
  { kind: 'order', row: { user_id: 'T1', channel: 'instore', order_id: 'T1-i1', date: at(3), item_names: ['Hat'], item_prices: [12], item_quantities: [1], location: 'Paris' } },
  { kind: 'email', row: { user_id: 'T1', email_id: 'T1-e1', date: at(4), opened: 1, clicked: 1 } },
  { kind: 'weblog', row: { user_id: 'T1', date: at(5), page: 'home.html', error_message: null, event_key: 'T1-w1' } },
  { kind: 'weblog', row: { user_id: 'T1', date: at(6), page: 'login_success.html', error_message: null, event_key: 'T1-w2' } },
  { kind: 'weblog', row: { user_id: 'T1', date: at(7), page: 'checkout.html?basket=9', error_message: 'Card declined', event_key: 'T1-w3' } },
  { kind: 'rejected', origin: { source: 'kafka:weblogs', key: '0/9', customerId: 'T1', document: '{"user_id":"T1","page":7}' }, reason: 'page: expected a string, got number' },
];

/** The arguments each root field is called with. */
const ROOT_ARGS: Record<string, string> = {
  customer: '(id: "T1")',
  customers: '(ids: ["T1"])',
  searchCustomers: '(query: "T1")',
  rejectedRecords: '(customerId: "T1")',
  _entities: '(representations: [{ __typename: "Customer", id: "T1" }])',
  _service: '',
  customerActivity: '(customerId: "T1")',
  segment: '(name: "buyers")',
  segmentChanges: '(customerId: "T1")',
  customerProfile: '(customerId: "T1")',
  // A customer erased before the tests (beforeAll): the privacy role reads the receipt.
  erasure: '(customerId: "T-GONE")',
  // Erasing an id again is allowed, and finds nothing left to remove.
  eraseCustomer: '(customerId: "T-GONE", reason: "DSR-1")',
};

/**
 * T1 is a buyer from the start (Customer.segments, Segment.members); each role's new activity over WebSocket
 * (two orders each, in COLUMNS order) brings T1's orders to 4, then 6: one segment entry per role.
 */
const SEGMENTS = `segments:
  - name: buyers
    description: At least one order
    condition: { total_orders: { ">=": 1 } }
${COLUMNS.map((_, i) => `  - name: orders-${4 + 2 * i}\n    condition: { total_orders: { ">=": ${4 + 2 * i} } }`).join('\n')}
`;

let t: TestGateway;
let schema: GraphQLSchema;

beforeAll(async () => {
  const segmentsFile = path.join(await mkdtemp(path.join(tmpdir(), 'c360-table-')), 'segments.yml');
  await writeFile(segmentsFile, SEGMENTS);
  t = await startTestGateway({ AUTH_API_KEYS: ROLES.map((role) => `${hashApiKey(keyOf(role))}:${role}:${role}-table`).join(','), SEGMENTS_FILE: segmentsFile });
  schema = await buildGatewaySchema(t.gateway.bus);
  await t.gateway.segmentsReady;
  await t.gateway.sink.write(DATA);
  await t.gateway.segments.idle();
  await t.gateway.erasure.erase('T-GONE', 'DSR-1', { id: 'key:setup', role: Role.PRIVACY, kind: 'api-key' });
});
afterAll(() => t?.close());

/** Every field of every object type the gateway serves (introspection's own types aside), as `Type.field`. */
function schemaFields(s: GraphQLSchema): string[] {
  return Object.values(s.getTypeMap())
    .filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__'))
    .flatMap((type) => Object.keys(type.getFields()).map((field) => `${type.name}.${field}`));
}

/** How to reach each type from a root: the first path a breadth-first walk finds (`customer` before `customers`). */
function pathsFrom(root: GraphQLObjectType): Map<string, string[]> {
  const paths = new Map<string, string[]>([[root.name, []]]);
  const queue: GraphQLObjectType[] = [root];
  while (queue.length > 0) {
    const type = queue.shift()!;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (!isObjectType(named) || paths.has(named.name)) continue;
      paths.set(named.name, [...paths.get(type.name)!, field.name]);
      queue.push(named);
    }
  }
  return paths;
}

/** A selection of `fields` at the end of `path`; root fields take their arguments, objects a `__typename`. */
function selection(path: readonly string[], leaf: string): string {
  const [head, ...rest] = path;
  if (head === undefined) return leaf;
  return `${head}${ROOT_ARGS[head] ?? ''} { ${selection(rest, leaf)} }`;
}

function leafOf(type: GraphQLObjectType, field: string): string {
  const args = type.name === 'Query' || type.name === 'Mutation' || type.name === 'Subscription' ? (ROOT_ARGS[field] ?? '') : '';
  return `${field}${args}${isLeafType(getNamedType(type.getFields()[field]!.type)) ? '' : ' { __typename }'}`;
}

/** The values at `path` in `data`, lists flattened. */
function valuesAt(data: unknown, path: readonly string[]): unknown[] {
  let values: unknown[] = [data];
  for (const segment of path) {
    values = values.flatMap((v) => {
      if (v === null || v === undefined) return [null];
      const next = (v as Record<string, unknown>)[segment];
      return Array.isArray(next) ? next : [next];
    });
  }
  return values;
}

type Errors = NonNullable<GraphQLResponse<unknown>['errors']>;

/**
 * Checks one cell of the table: `values` are the field's values in the answer, `errors` its errors. An
 * error concerns the field when it was raised at the field or at a field on its path.
 */
function expectDecision(decision: Decision, values: unknown[], errors: Errors, fieldPath: readonly string[]): void {
  const concerning = errors.filter((e) => {
    const at = (e.path ?? []).filter((p) => typeof p === 'string').join('.');
    return at.length > 0 && `${fieldPath.join('.')}.`.startsWith(`${at}.`);
  });
  if (decision === FORBIDDEN) {
    expect(values.every((v) => v === null || v === undefined)).toBe(true);
    expect(concerning.length).toBeGreaterThan(0);
    expect(concerning.map((e) => e.extensions?.['code'])).toEqual(concerning.map(() => 'FORBIDDEN'));
  } else {
    expect(concerning).toEqual([]);
    expect(values.some((v) => v !== null && v !== undefined)).toBe(true);
  }
}

const CELLS = Object.entries(ROLE_FIELD_TABLE).flatMap(([field, cells]) => COLUMNS.map((role, i) => [role, field, cells[i]!] as const));

describe('the table covers the schema', () => {
  test('every field of every type has a row, and every row names a field', () => {
    const fields = schemaFields(schema);
    expect({ missing: fields.filter((f) => !(f in ROLE_FIELD_TABLE)), gone: Object.keys(ROLE_FIELD_TABLE).filter((f) => !fields.includes(f)) }).toEqual({ missing: [], gone: [] });
  });

  test('every role has a column, and every row a decision per column', () => {
    expect([...COLUMNS].sort()).toEqual([...ROLES].sort());
    for (const [field, cells] of Object.entries(ROLE_FIELD_TABLE)) expect({ field, cells: cells.length }).toEqual({ field, cells: COLUMNS.length });
  });

  test('docs/security.md shows the table as printed from the fixture', async () => {
    if (process.env['UPDATE_DOCS'] === '1') await reprintRoleFieldTable();
    expect(await documentedRoleFieldTable()).toBe(printRoleFieldTable());
  });
});

describe('over HTTP', () => {
  test.each(CELLS)('%s: %s is %s', async (role, field, decision) => {
    const [typeName, fieldName] = field.split('.') as [string, string];
    const type = schema.getType(typeName) as GraphQLObjectType;
    // Subscription fields, and types only a subscription pushes, run over WebSocket (below).
    if (typeName === 'Subscription') return;
    if (typeName === 'Mutation') {
      const res = await t.graphql(`mutation { ${leafOf(type, fieldName)} }`, undefined, { 'x-api-key': keyOf(role) });
      expect((res.errors ?? []).filter((e) => e.extensions?.['code'] !== 'FORBIDDEN')).toEqual([]);
      expectDecision(decision, valuesAt(res.data, [fieldName]), res.errors ?? [], [fieldName]);
      return;
    }
    if (!pathsFrom(schema.getQueryType()!).has(typeName)) return;
    const path = pathsFrom(schema.getQueryType()!).get(typeName);
    if (!path) throw new Error(`${typeName} cannot be reached from Query`);
    const res = await t.graphql(`{ ${selection(path, leafOf(type, fieldName))} }`, undefined, { 'x-api-key': keyOf(role) });
    // One field is asked: every error in the answer is about it.
    expect((res.errors ?? []).filter((e) => e.extensions?.['code'] !== 'FORBIDDEN')).toEqual([]);
    expectDecision(decision, valuesAt(res.data, [...path, fieldName]), res.errors ?? [], [...path, fieldName]);
  });
});

describe('through federation _entities', () => {
  // Every type but the roots' own; one that is not part of a customer is covered over HTTP only.
  const customerCells = CELLS.filter(([, field]) => !['Query', 'Mutation', 'Subscription', '_Service'].includes(field.split('.')[0]!));

  test.each(customerCells)('%s: %s is %s', async (role, field, decision) => {
    const [typeName, fieldName] = field.split('.') as [string, string];
    const type = schema.getType(typeName) as GraphQLObjectType;
    const path = pathsFrom(schema.getType('Customer') as GraphQLObjectType).get(typeName);
    if (!path) {
      expect(pathsFrom(schema.getQueryType()!).has(typeName) || pathsFrom(schema.getSubscriptionType()!).has(typeName)).toBe(true);
      return;
    }
    const query = `{ _entities${ROOT_ARGS['_entities']} { ... on Customer { ${selection(path, leafOf(type, fieldName))} } } }`;
    const res = await t.graphql(query, undefined, { 'x-api-key': keyOf(role) });
    expect((res.errors ?? []).filter((e) => e.extensions?.['code'] !== 'FORBIDDEN')).toEqual([]);
    expectDecision(decision, valuesAt(res.data, ['_entities', ...path, fieldName]), res.errors ?? [], ['_entities', ...path, fieldName]);
  });
});

describe('over WebSocket: the subscriptions and the fields they push', () => {
  const pushes = new Map<Role, Array<{ data?: unknown; errors?: Errors }>>();
  const changes = new Map<Role, Array<{ data?: unknown; errors?: Errors }>>();
  const profilePushes = new Map<Role, Array<{ data?: unknown; errors?: Errors }>>();

  beforeAll(async () => {
    const fieldsOf = (name: string) => Object.keys((schema.getType(name) as GraphQLObjectType).getFields()).join(' ');
    for (const role of COLUMNS) {
      const ws = await RawGraphqlWs.connect(t.url, { apiKey: keyOf(role) });
      expect(await ws.next()).toEqual({ type: 'connection_ack' });
      const before = t.gateway.bus.subscriberCount();
      const segmentsBefore = t.gateway.segments.subscribers;
      const profilesBefore = t.gateway.liveProfiles.consumers();
      ws.subscribe('1', `subscription { customerActivity${ROOT_ARGS['customerActivity']} { ${fieldsOf('ActivityEvent')} } }`);
      ws.subscribe('2', `subscription { segmentChanges${ROOT_ARGS['segmentChanges']} { ${fieldsOf('SegmentChange')} } }`);
      ws.subscribe('3', `subscription { customerProfile${ROOT_ARGS['customerProfile']} { __typename } }`);
      for (
        let i = 0;
        i < 500 &&
        (t.gateway.bus.subscriberCount() === before || t.gateway.segments.subscribers === segmentsBefore || t.gateway.liveProfiles.consumers() === profilesBefore);
        i++
      ) {
        await new Promise((r) => setTimeout(r, 10));
      }
      // The same kinds of activity as the fixture, new: one push of each, T1 enters one more segment, and the
      // profile is pushed again after the commit (one or more: a push per commit).
      await t.gateway.sink.write(DATA.filter(isActivity).map((r) => ({ ...r, row: { ...r.row, ...renamed(r, role) } }) as IngestRecord));
      const received: Array<{ id: string; payload: { data?: unknown; errors?: Errors } }> = [];
      const count = (id: string) => received.filter((m) => m.id === id).length;
      while (count('1') < DATA.filter(isActivity).length || count('2') < 1 || count('3') < 1) received.push((await ws.next()) as (typeof received)[number]);
      ws.close();
      pushes.set(role, received.filter((m) => m.id === '1').map((m) => m.payload));
      changes.set(role, received.filter((m) => m.id === '2').map((m) => m.payload));
      profilePushes.set(role, received.filter((m) => m.id === '3').map((m) => m.payload));
    }
  });

  const subscriptionCells = CELLS.filter(([, field]) => field.startsWith('Subscription.') || field.startsWith('ActivityEvent.') || field.startsWith('SegmentChange.'));

  test.each(subscriptionCells)('%s: %s is %s', (role, field, decision) => {
    const [typeName, fieldName] = field.split('.') as [string, string];
    if (field === 'Subscription.customerProfile') {
      const profiles = profilePushes.get(role)!;
      expectDecision(decision, profiles.flatMap((p) => valuesAt(p.data ?? null, [fieldName])), profiles.flatMap((p) => p.errors ?? []), [fieldName]);
      return;
    }
    const segmentChange = typeName === 'SegmentChange' || field === 'Subscription.segmentChanges';
    const received = (segmentChange ? changes : pushes).get(role)!;
    expect(received).toHaveLength(segmentChange ? 1 : DATA.filter(isActivity).length);
    const path = typeName === 'Subscription' ? [fieldName] : [segmentChange ? 'segmentChanges' : 'customerActivity', fieldName];
    // The subscription asks every field at once: each push's errors are sorted to the fields they concern.
    const values = received.flatMap((p) => valuesAt(p.data ?? null, path));
    expectDecision(decision, values, received.flatMap((p) => p.errors ?? []), path);
  });
});

type ActivityRecord = Extract<IngestRecord, { kind: 'order' | 'email' | 'weblog' }>;
const isActivity = (r: IngestRecord): r is ActivityRecord => r.kind === 'order' || r.kind === 'email' || r.kind === 'weblog';

/** A copy of a fixture record under new keys, so that it is new activity (keys are per role and run). */
function renamed(record: ActivityRecord, role: Role): Record<string, unknown> {
  switch (record.kind) {
    case 'order':
      return { order_id: `${record.row.order_id}-${role}` };
    case 'email':
      return { email_id: `${record.row.email_id}-${role}` };
    case 'weblog':
      return { event_key: `${record.row.event_key}-${role}` };
  }
}
