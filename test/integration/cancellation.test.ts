import type { ClickHouseStore, QueryParams } from '../../src/store/clickhouse';
import { startTestGateway, type TestGateway } from '../utils/gateway';

// Probes 5 and 6: a timed-out request's ClickHouse work, the shared batch queue's bound, and federation
// representations that cannot name a customer. The profile query the first request sends is held inside
// the store, so that the requests after it wait in the shared batch queue (one query in flight at a time).

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ QUERY_TIMEOUT_MS: '3000', LOADER_MAX_IN_FLIGHT: '1', LOADER_MAX_QUEUED_KEYS: '2' });
  await t.gateway.sink.write(
    ['X1', 'X2', 'X3', 'X4'].map((id) => ({
      kind: 'customer' as const,
      row: { id, source_id: id, first_name: id, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null },
    })),
  );
});
afterAll(() => t?.close());

interface Sent {
  label: string;
  params: QueryParams | undefined;
  signal: AbortSignal | undefined;
  done: Promise<unknown>;
}

/** Records every SELECT the store sends; the first profile query waits until `release()`. */
function holdFirstProfileQuery() {
  const store = t.gateway.store as ClickHouseStore;
  const original = store.query.bind(store);
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  const sent: Sent[] = [];
  store.query = (<T>(label: string, sql: string, params?: QueryParams, options?: { signal?: AbortSignal }) => {
    const first = label === 'profile' && !sent.some((s) => s.label === 'profile');
    const done = (async () => {
      if (first) await held;
      return original<T>(label, sql, params, options);
    })();
    sent.push({ label, params, signal: options?.signal, done: done.catch(() => undefined) });
    return done;
  }) as ClickHouseStore['query'];
  return {
    sent,
    profiles: () => sent.filter((s) => s.label === 'profile'),
    async waitForProfiles(n: number) {
      for (let i = 0; i < 500 && sent.filter((s) => s.label === 'profile').length < n; i++) await new Promise((r) => setTimeout(r, 10));
    },
    release,
    restore: () => {
      release();
      store.query = original;
    },
  };
}

const profileOf = (id: string) => `{ customer(id: "${id}") { id purchaseStats { totalOrders } } }`;

test('a timed-out request abandons its ClickHouse work: its query in flight is aborted, its keys still waiting are never sent', async () => {
  const hold = holdFirstProfileQuery();
  try {
    const first = t.graphql(profileOf('X1'));
    await hold.waitForProfiles(1);
    const second = t.graphql(profileOf('X2'));
    expect((await first).status).toBe(504);
    expect((await second).status).toBe(504);
    // Nobody waits for the query in flight any more: its signal (the store's abort_signal) has fired.
    expect(hold.profiles()[0]!.signal?.aborted).toBe(true);
    hold.release();
    await hold.profiles()[0]!.done;
    await new Promise((r) => setImmediate(r));
    // X2's keys were waiting behind it: they left the queue when their request timed out.
    expect(hold.profiles()).toHaveLength(1);
  } finally {
    hold.restore();
  }
  expect((await t.graphql(profileOf('X2'))).data).toEqual({ customer: { id: 'X2', purchaseStats: { totalOrders: 0 } } });
});

test('past LOADER_MAX_QUEUED_KEYS waiting, a field fails at once with OVERLOADED; what waited is served', async () => {
  const hold = holdFirstProfileQuery();
  try {
    const inFlight = t.graphql(profileOf('X1'));
    await hold.waitForProfiles(1);
    const waiting = t.graphql('{ customers(ids: ["X2", "X3"]) { id purchaseStats { totalOrders } } }');
    for (let i = 0; i < 500 && (await queuedKeys()) < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await queuedKeys()).toBe(2);
    const refused = await t.graphql(profileOf('X4'));
    expect(refused.status).toBe(200);
    expect(refused.data).toEqual({ customer: null });
    expect(refused.errors?.map((e) => ({ path: e.path, code: e.extensions?.['code'], retryAfterSec: e.extensions?.['retryAfterSec'] }))).toEqual([
      { path: ['customer'], code: 'OVERLOADED', retryAfterSec: 1 },
    ]);
    hold.release();
    expect((await inFlight).data).toEqual({ customer: { id: 'X1', purchaseStats: { totalOrders: 0 } } });
    expect((await waiting).data).toEqual({
      customers: [
        { id: 'X2', purchaseStats: { totalOrders: 0 } },
        { id: 'X3', purchaseStats: { totalOrders: 0 } },
      ],
    });
  } finally {
    hold.restore();
  }
});

/** Keys waiting in the shared batch queue, as /metrics reports them. */
async function queuedKeys(): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  return Number(/^customer360_loader_queued_keys (\d+)$/m.exec(text)?.[1] ?? Number.NaN);
}

describe('federation representations', () => {
  const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id firstName } } }';

  test('one that cannot name a customer is BAD_USER_INPUT at its own index; the others are served', async () => {
    const res = await t.graphql(ENTITIES, {
      r: [{ __typename: 'Customer', id: 5 }, { __typename: 'Customer', id: 'X1' }, { __typename: 'Order', id: 'X1' }, 'X1', { __typename: 'Customer', id: ['X1'] }],
    });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ _entities: [null, { id: 'X1', firstName: 'X1' }, null, null, null] });
    expect(res.errors?.map((e) => ({ path: e.path, code: e.extensions?.['code'], message: e.message }))).toEqual([
      { path: ['_entities', 0], code: 'BAD_USER_INPUT', message: 'representations[0]: "id" must be a string; got number.' },
      { path: ['_entities', 2], code: 'BAD_USER_INPUT', message: 'representations[2]: "__typename" must be "Customer", the one entity of this subgraph; got "Order".' },
      { path: ['_entities', 3], code: 'BAD_USER_INPUT', message: 'representations[3]: must be an object.' },
      { path: ['_entities', 4], code: 'BAD_USER_INPUT', message: 'representations[4]: "id" must be a string; got an array.' },
    ]);
  });

  test('a bad id never reaches ClickHouse, nor the shared batch other requests\' keys go out in', async () => {
    const before = t.gateway.store.queryCount;
    const alone = await t.graphql(ENTITIES, { r: [{ __typename: 'Customer', id: 7 }] });
    expect(alone.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(t.gateway.store.queryCount).toBe(before);

    const hold = holdFirstProfileQuery();
    try {
      const inFlight = t.graphql(profileOf('X1'));
      await hold.waitForProfiles(1);
      // Both wait behind the query in flight and would go out in the same next query.
      const bad = t.graphql(ENTITIES, { r: [{ __typename: 'Customer', id: 7 }] });
      const good = t.graphql(profileOf('X3'));
      expect((await bad).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      hold.release();
      expect((await inFlight).errors).toBeUndefined();
      expect((await good).data).toEqual({ customer: { id: 'X3', purchaseStats: { totalOrders: 0 } } });
      const ids = hold.profiles().flatMap((s) => Object.values(s.params ?? {}).filter(Array.isArray).flat());
      expect(ids.every((id) => typeof id === 'string')).toBe(true);
      expect(ids).not.toContain(7);
    } finally {
      hold.restore();
    }
  });
});
