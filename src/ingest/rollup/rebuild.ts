import type { Logger } from '../../logger';
import { createProgress } from '../../observability/progress';
import type { ClickHouseStore } from '../../store/clickhouse';
import { rollupSourceRecords } from './sources';
import { readCheckpoint } from '../sink';
import { RollupBatch } from './state';

/**
 * The definition of the rollups. Change it whenever what the sink derives changes (profileOf, the state's
 * shape, the page-view parts): the next start rebuilds every rollup from the source tables.
 */
export const ROLLUP_DEFINITION = 'rollups-1';
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
