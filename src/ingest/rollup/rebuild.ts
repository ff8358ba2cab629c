import type { Logger } from '../../logger';
import { createProgress } from '../../observability/progress';
import type { ClickHouseStore } from '../../store/clickhouse';
import type { ActivityType } from '../../activity/activity';
import { readCheckpoint } from '../checkpoints';
import { rollupSourceRecords, WEB_TYPES } from './sources';
import { RollupBatch } from './state';

/**
 * The definition of the rollups. Change it whenever what the sink derives changes (profileOf, the state's
 * shape, the page-view parts): the next start rebuilds every rollup from the source tables.
 */
export const ROLLUP_DEFINITION = 'rollups-2';
const CHECKPOINT = 'rollups';

/** Customers per rebuild step: one range read of each source table, then one insert. */
const CHUNK = 10_000;

export interface RebuildResult {
  customers: number;
  ms: number;
}

/**
 * Rebuilds `customer_rollup` from the source tables (customers, orders, marketing_emails and the page views
 * in activity), through the same state code the sink runs, so a rebuilt rollup equals one kept up to date
 * record by record. Nothing else may write meanwhile: the gateway runs it before its sink takes writes.
 */
export async function rebuildRollups(store: ClickHouseStore, version: number, logger: Logger): Promise<RebuildResult> {
  const started = Date.now();
  await store.command('rebuild', 'TRUNCATE TABLE customer_rollup');
  const ids = (
    await store.query<{ id: string }>(
      'rebuildIds',
      `SELECT DISTINCT id FROM (SELECT id FROM customers UNION ALL SELECT user_id AS id FROM activity) ORDER BY id`,
    )
  ).map((r) => r.id);
  const progress = createProgress('rollup rebuild', ids.length, 'customers', logger);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const records = await rollupSourceRecords(store, chunk[0]!, chunk[chunk.length - 1]!);
    const batch = new RollupBatch(new Map());
    for (const record of records) batch.apply(record);
    await store.insert('rollup_input', batch.finish(version).rollup);
    progress.update(i + chunk.length);
  }
  progress.stop();
  await store.command('rebuild', 'OPTIMIZE TABLE customer_rollup FINAL');
  await store.insert('ingest_checkpoints', [{ source: CHECKPOINT, position: ROLLUP_DEFINITION, version }]);
  const result = { customers: ids.length, ms: Date.now() - started };
  logger.info(result, 'rollups rebuilt from the source tables');
  return result;
}

/** Rebuilds the rollups if they were built by another definition (or never, as after migration 003). */
export async function ensureRollups(store: ClickHouseStore, version: number, logger: Logger): Promise<RebuildResult | null> {
  if ((await readCheckpoint(store, CHECKPOINT)) === ROLLUP_DEFINITION) return null;
  logger.info({ definition: ROLLUP_DEFINITION }, 'rollups are missing or out of date; rebuilding them from the source tables');
  return rebuildRollups(store, version, logger);
}

/**
 * Rebuilds these customers' states from the source tables and makes their order and email activity rows
 * match those tables: used after the engine refused a record part-way through a batch (the states and
 * activity may then hold what the source tables do not).
 */
export async function repairCustomers(store: ClickHouseStore, ids: readonly string[], version: number): Promise<void> {
  for (const id of new Set(ids)) {
    const records = (await rollupSourceRecords(store, id, id)).filter((r) => r.kind !== 'weblog');
    const batch = new RollupBatch(new Map());
    for (const record of records) batch.apply(record);
    // Every part is written, an empty one too, over whatever the interrupted batch left.
    batch.touch(id);
    const { activity, rollup } = batch.finish(version);
    const wanted = new Set(activity.map((a) => `${a.at}\u0000${a.type}\u0000${a.key}`));
    const stored = await store.query<{ at: number; type: ActivityType; key: string }>(
      'repairActivity',
      `SELECT toUnixTimestamp64Milli(at) AS at, toString(type) AS type, key FROM activity FINAL
       WHERE user_id = {id:String} AND type NOT IN {web:Array(String)}`,
      { id, web: WEB_TYPES },
    );
    const vacated = stored
      .filter((s) => !wanted.has(`${s.at}\u0000${s.type}\u0000${s.key}`))
      .map((s) => ({ user_id: id, at: s.at, type: s.type, key: s.key, payload: '', version, deleted: 1 as const }));
    await store.insert('activity', [...vacated, ...activity.map((a) => ({ ...a, version }))]);
    await store.insert('rollup_input', rollup);
  }
}
