import { InProcessActivityBus } from '../src/activity/bus';
import { loadConfig } from '../src/config';
import { loadDemo } from '../src/ingest/demo/demo';
import { ensureRollups } from '../src/ingest/rollup/rebuild';
import { IngestSink } from '../src/ingest/sink';
import { createLogger } from '../src/logger';
import { createClickHouseStore } from '../src/store/clickhouse';
import { migrate } from '../src/store/migrations';
import { settings } from './common';

/**
 * Loads the benchmark population (BENCH_CUSTOMERS, default 1,000,000 customers with about 27 events
 * each) into the embedded ClickHouse at BENCH_DATA_DIR, or into the server at CLICKHOUSE_URL.
 * Runs again without work when the same population is already there.
 */
export async function load(): Promise<void> {
  const config = loadConfig({ ...process.env, CLICKHOUSE_DATA_DIR: settings.dataDir, DEMO: 'false', LOG_LEVEL: 'info' });
  const logger = createLogger('info', { component: 'bench-load' });
  const store = await createClickHouseStore(config.clickhouse);
  try {
    await migrate(store);
    const sink = new IngestSink(store, new InProcessActivityBus(), { batchRows: 200_000, flushMs: 200 }, logger);
    // As the gateway does before its sink takes writes: the load then keeps the rollups current as it goes,
    // and the first gateway start finds nothing to rebuild.
    await sink.resumeVersions();
    await ensureRollups(store, sink.nextVersion(), logger);
    const result = await loadDemo(sink, store, { customers: settings.customers, seed: settings.seed, tricklePerSec: 0 }, logger);
    await sink.close();
    const [counts] = await store.query<Record<string, number>>(
      'bench',
      `SELECT (SELECT count() FROM customers) AS customers, (SELECT count() FROM orders) AS orders,
              (SELECT count() FROM marketing_emails) AS emails, (SELECT count() FROM activity) AS activity,
              (SELECT count() FROM customer_rollup) AS rollup_rows,
              (SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND database = currentDatabase() AND table = 'customer_rollup') AS rollup_bytes,
              (SELECT count() FROM system.parts WHERE active AND database = currentDatabase()) AS active_parts`,
    );
    logger.info({ ...result, ...counts }, 'bench population ready');
  } finally {
    await store.close();
  }
}
