// The lease in ClickHouse, with two contenders against the embedded engine: one holds it at a time, a claim of
// a term already claimed is dropped, and another process takes over once the holder releases it or stops
// renewing it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createClickHouseStore, type ClickHouseStore } from '../../src/store/clickhouse';
import { Lease } from '../../src/store/lease';

let dataDir: string;
let store: ClickHouseStore;
let leases = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'c360-lease-'));
  store = await createClickHouseStore(loadConfig({ CLICKHOUSE_DATA_DIR: dataDir, DEMO: 'false' }).clickhouse);
});

afterAll(async () => {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Two processes contending for a lease of their own (a fresh name per test). */
function contenders(ttlMs = 60_000, graceMs?: number): [Lease, Lease] {
  const name = `test-${++leases}`;
  const options = { ttlMs, ...(graceMs !== undefined ? { graceMs } : {}) };
  return [new Lease(store, name, 'process-a', options), new Lease(store, name, 'process-b', options)];
}

const claimsOf = async (name: string) =>
  store.query<{ term: number; owner: string }>('test', 'SELECT term, owner FROM leases FINAL WHERE name = {name:String} ORDER BY term, owner', { name });

test('of two processes claiming together, exactly one holds the lease, and both agree which', async () => {
  const [a, b] = contenders();
  const [ra, rb] = await Promise.all([a.attempt(), b.attempt()]);
  expect([ra.held, rb.held].filter(Boolean)).toHaveLength(1);
  expect(ra.holder).toEqual(rb.holder);
  expect([a.held, b.held].filter(Boolean)).toHaveLength(1);
  // Renewing keeps it where it is.
  const [again, other] = [ra.held ? a : b, ra.held ? b : a];
  expect((await again.attempt()).held).toBe(true);
  expect((await other.attempt()).held).toBe(false);
});

test('a claim of a term already claimed is dropped as a duplicate, so a process that read the lease as free before the other claimed does not get it', async () => {
  const [a, b] = contenders();
  expect((await a.claim(1)).held).toBe(true);
  // b read term 0 as the latest before a's claim landed, and claims term 1 too.
  const late = await b.claim(1);
  expect(late.held).toBe(false);
  expect(late.holder?.owner).toBe('process-a');
  expect(await claimsOf(a.name)).toEqual([{ term: 1, owner: 'process-a' }]);
  expect(a.held).toBe(true);
});

test('a released lease is taken over at once, in the next term', async () => {
  const [a, b] = contenders();
  expect((await a.attempt()).held).toBe(true);
  expect((await b.attempt()).held).toBe(false);
  await a.release();
  expect(a.held).toBe(false);
  const taken = await b.attempt();
  expect(taken).toMatchObject({ held: true, holder: { term: 2, owner: 'process-b' } });
});

test('an expired lease is neither renewed by its holder nor claimed by another before the grace has passed', async () => {
  const [a, b] = contenders(200, 60_000);
  expect((await a.attempt()).held).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(a.held).toBe(false);
  expect((await a.attempt()).held).toBe(false);
  expect((await b.attempt()).held).toBe(false);
  expect(await claimsOf(a.name)).toEqual([{ term: 1, owner: 'process-a' }]);
});

test('once the holder stops renewing, another process takes over after the expiry and the grace, and the old holder learns it lost', async () => {
  const [a, b] = contenders(200, 100);
  expect((await a.attempt()).held).toBe(true);
  let attempt = await b.attempt();
  while (!attempt.held) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    attempt = await b.attempt();
  }
  expect(attempt.holder).toMatchObject({ term: 2, owner: 'process-b' });
  const old = await a.attempt();
  expect(old).toMatchObject({ held: false, holder: { term: 2, owner: 'process-b' } });
});
