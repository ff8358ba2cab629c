import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { kafkaEnv, startChildGateway, uniqueName, type ChildGateway } from '../utils/ingest';

// ACTIVITY_FANOUT=kafka: a segmentChanges subscriber on one replica hears the changes another replica's sink
// caused. Replica A runs in this process, replica B as its own process (one embedded engine per process).

const SEGMENTS = 'segments:\n  - name: spender\n    condition: { total_spent: { ">=": 100 } }\n';

let a: TestGateway;
let b: ChildGateway;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'c360-segments-fanout-'));
  await writeFile(path.join(dir, 'segments.yml'), SEGMENTS);
  const env = { ...kafkaEnv(uniqueName('c360-seg-fanout')), ACTIVITY_FANOUT: 'kafka', SEGMENTS_FILE: path.join(dir, 'segments.yml'), INGEST: 'false' };
  a = await startTestGateway(env);
  b = await startChildGateway({ ...env, CLICKHOUSE_DATA_DIR: path.join(dir, 'b'), LOG_LEVEL: 'info' });
}, 120_000);

afterAll(async () => {
  await b?.kill('SIGTERM');
  await a?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Change {
  id: string;
  kind: string;
  customerId: string;
}

function subscribe(url: string) {
  const client = createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  const changes: Change[] = [];
  const unsubscribe = client.subscribe<{ segmentChanges: Change }>(
    { query: 'subscription { segmentChanges(segment: "spender") { id kind customerId } }' },
    { next: (r) => void (r.data && changes.push(r.data.segmentChanges)), error: () => undefined, complete: () => undefined },
  );
  return {
    changes,
    async close() {
      unsubscribe();
      await client.dispose();
    },
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

test("a subscriber on another replica receives the changes this replica's commits caused, with the same ids", async () => {
  const onA = subscribe(a.url);
  const onB = subscribe(b.url);
  await until(() => a.gateway.segments.subscribers === 1, 'the subscription on A');
  // B is another process: its subscription has registered once a change arrives there. Until then,
  // let customers enter the segment until B reports one.
  let round = 0;
  const enter = async (id: string) => {
    await a.gateway.sink.write([
      { kind: 'customer', row: { id, source_id: id, first_name: null, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null } },
      { kind: 'order', row: { user_id: id, channel: 'online', order_id: `${id}-o1`, date: Date.now(), item_names: ['Coat'], item_prices: [150], item_quantities: [1], location: null } },
    ]);
    await a.gateway.segments.idle();
  };
  while (onB.changes.length === 0 && round < 20) {
    await enter(`W${round++}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(onB.changes.length).toBeGreaterThan(0);

  await enter('F1');
  await until(() => onB.changes.some((c) => c.customerId === 'F1') && onA.changes.some((c) => c.customerId === 'F1'), 'the change on both replicas');
  const fromA = onA.changes.filter((c) => c.customerId === 'F1');
  const fromB = onB.changes.filter((c) => c.customerId === 'F1');
  expect(fromA).toEqual([{ id: expect.any(String), kind: 'ENTERED', customerId: 'F1' }]);
  expect(fromB).toEqual(fromA);
  // B holds none of A's data: the change reached it over Kafka.
  const res = await fetch(`${b.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ segment(name: \\"spender\\") { size } }"}' });
  expect(await res.json()).toEqual({ data: { segment: { size: 0 } } });
  await Promise.all([onA.close(), onB.close()]);
});
