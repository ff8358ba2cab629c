import path from 'node:path';
import { Role } from '../src/auth/roles';
import { loadConfig } from '../src/config';
import { startGateway, type Gateway } from '../src/gateway';
import { loadDemo } from '../src/ingest/demo/demo';
import { demoCustomerId } from '../src/ingest/demo/generator';
import { createLogger } from '../src/logger';
import { CUSTOMER_TABLES } from '../src/privacy/tables';
import { customerIdHash, Tombstones } from '../src/privacy/tombstone';
import { median, ROOT, settings, table } from './common';

const erasureSettings = {
  customers: Number(process.env['BENCH_ERASURE_CUSTOMERS'] ?? 200_000),
  dataDir: path.resolve(ROOT, process.env['BENCH_ERASURE_DATA_DIR'] ?? 'data/bench/erasure-clickhouse'),
};

/** The five tables every demo customer has rows in; the other erased tables are empty in the demo. */
const MAIN: Array<[table: string, column: string]> = [
  ['customers', 'id'],
  ['orders', 'user_id'],
  ['marketing_emails', 'user_id'],
  ['activity', 'user_id'],
  ['customer_rollup', 'user_id'],
];
const SYNC = { mutations_sync: '2', lightweight_deletes_sync: '2' };

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Rows of the customer still in a part, the delete mask ignored. */
async function onDisk(gateway: Gateway, id: string): Promise<number> {
  const sql = MAIN.map(([t, c]) => `SELECT count() AS n FROM ${t} WHERE ${c} = {id:String}`).join(' UNION ALL ');
  const rows = await gateway.store.query<{ n: number }>('bench', sql, { id }, { settings: { apply_deleted_mask: 0 } });
  return rows.reduce((n, r) => n + Number(r.n), 0);
}

interface ErasureRun {
  lightweightDeleteMs: number;
  applyDeletedMaskMs: number;
  optimizeFinalMs: number;
  alterDeleteMs: number;
  /** eraseCustomer: from the request until no query sees the customer, and until verified on disk. */
  gatewayInvisibleMs: number;
  gatewayOnDiskMs: number;
}

/**
 * Removing one customer from disk in the embedded engine, four ways, on a demo population of
 * BENCH_ERASURE_CUSTOMERS merged into one part per table: a lightweight DELETE (rows masked), then APPLY DELETED
 * MASK (the parts holding masked rows rewritten) or OPTIMIZE … FINAL (every part rewritten); ALTER … DELETE with
 * mutations_sync; and the gateway's own eraseCustomer (CustomerErasure: tombstone, lightweight DELETE between two
 * sink commits, APPLY DELETED MASK, verification). Each approach erases other customers, BENCH_RUNS times;
 * each run checks that nothing of its customer is left on disk. Also what the sink's tombstone check costs on a
 * 50,000-record batch. Medians.
 */
export async function erasure(): Promise<{ settings: typeof erasureSettings; runs: ErasureRun[]; tombstoneCheckMs: number }> {
  const logger = createLogger('warn');
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', CLICKHOUSE_DATA_DIR: erasureSettings.dataDir, DEMO: 'false', LOG_LEVEL: 'warn' });
  const gateway = await startGateway(config, logger);
  const runs: ErasureRun[] = [];
  try {
    await loadDemo(gateway.sink, gateway.store, { customers: erasureSettings.customers, seed: settings.seed, tricklePerSec: 0 }, logger);
    for (const [t] of MAIN) await gateway.store.command('bench', `OPTIMIZE TABLE ${t} FINAL`);
    // Customers no earlier run erased: the demo data directory is kept between bench runs.
    const erased = new Set(
      (await gateway.store.query<{ id_hash: string }>('bench', 'SELECT id_hash FROM erasures')).map((r) => r.id_hash),
    );
    let next = 0;
    const fresh = () => {
      for (;;) {
        const id = demoCustomerId(next++ * 7919 % erasureSettings.customers);
        if (!erased.has(customerIdHash(id))) return id;
      }
    };
    for (let run = 0; run < settings.runs; run++) {
      const [a, b, c] = [fresh(), fresh(), fresh()];
      const r: ErasureRun = {
        lightweightDeleteMs: await timed(async () => {
          for (const [t, col] of MAIN) await gateway.store.command('bench', `DELETE FROM ${t} WHERE ${col} = {id:String}`, { id: a }, SYNC);
        }),
        applyDeletedMaskMs: await timed(async () => {
          for (const [t] of MAIN) await gateway.store.command('bench', `ALTER TABLE ${t} APPLY DELETED MASK`, {}, SYNC);
        }),
        optimizeFinalMs: await timed(async () => {
          for (const [t] of MAIN) await gateway.store.command('bench', `OPTIMIZE TABLE ${t} FINAL`);
        }),
        alterDeleteMs: await timed(async () => {
          for (const [t, col] of MAIN) await gateway.store.command('bench', `ALTER TABLE ${t} DELETE WHERE ${col} = {id:String}`, { id: b }, SYNC);
        }),
        gatewayInvisibleMs: 0,
        gatewayOnDiskMs: 0,
      };
      const started = Date.now();
      let invisibleAt = 0;
      const stop = gateway.erasure.onErased(() => (invisibleAt = Date.now()));
      await gateway.erasure.erase(c, 'bench', { id: 'bench', role: Role.PRIVACY, kind: 'api-key' });
      stop();
      for (;;) {
        const receipt = await gateway.erasure.receipt(c);
        if (receipt?.completedAt) {
          r.gatewayOnDiskMs = receipt.completedAt.getTime() - started;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      r.gatewayInvisibleMs = invisibleAt - started;
      for (const id of [a, b, c]) {
        const left = await onDisk(gateway, id);
        if (left !== 0) throw new Error(`${left} rows of ${id} are still on disk`);
      }
      process.stderr.write(`  run ${run + 1}/${settings.runs}: ${JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v)])))}\n`);
      runs.push(r);
    }
  } finally {
    await gateway.close();
  }

  // The sink's check: a batch of 50,000 records over 10,000 customers, against 1,000 tombstones.
  const tombstones = new Tombstones();
  for (let i = 0; i < 1_000; i++) tombstones.add(customerIdHash(`erased-${i}`));
  const batch = Array.from({ length: 50_000 }, (_, i) => demoCustomerId(i % 10_000));
  const checks: number[] = [];
  for (let i = 0; i < 20; i++) checks.push(await timed(async () => tombstones.partition(batch, (id) => id)));
  const tombstoneCheckMs = median(checks);

  const mid = (pick: (r: ErasureRun) => number) => Math.round(median(runs.map(pick)));
  console.log(
    table(
      ['customers', 'lightweight DELETE ms', 'APPLY DELETED MASK ms', 'OPTIMIZE FINAL ms', 'ALTER DELETE (sync) ms', 'eraseCustomer: invisible ms', 'eraseCustomer: on disk ms'],
      [
        [
          erasureSettings.customers,
          mid((r) => r.lightweightDeleteMs),
          mid((r) => r.applyDeletedMaskMs),
          mid((r) => r.optimizeFinalMs),
          mid((r) => r.alterDeleteMs),
          mid((r) => r.gatewayInvisibleMs),
          mid((r) => r.gatewayOnDiskMs),
        ],
      ],
    ),
  );
  console.log(`\nsink tombstone check, 50,000 records over 10,000 customers, 1,000 tombstones: ${tombstoneCheckMs.toFixed(1)} ms (median of 20)`);
  console.log(`tables erased: ${CUSTOMER_TABLES.map((t) => t.table).join(', ')}`);
  return { settings: erasureSettings, runs, tombstoneCheckMs };
}
