import '../production';
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { InProcessActivityBus } from '../activity/bus';
import { ConfigError, loadConfig, loadEnvFile } from '../config';
import { rebuildRollups } from '../ingest/rollup/rebuild';
import { IngestSink } from '../ingest/sink';
import { createLogger } from '../logger';
import { createClickHouseStore } from '../store/clickhouse';
import { applyMigrations, MIGRATIONS_DIR, withSchemaLock } from '../store/migrations';
import { sampleCustomers, verifyProfiles } from './verify';

const USAGE = `usage:
  npm run rebuild                         rebuild every customer's rollup from the source tables
  npm run verify -- [--sample N] [--seed S] [--customers ID,ID…]
                                          recompute customers from the source tables and compare every field
                                          with the profile the gateway serves (default: 1,000 random customers)

Both use the gateway's configuration (CLICKHOUSE_URL, or the embedded CLICKHOUSE_DATA_DIR: stop the gateway
first, as one embedded data directory serves one process).`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { sample: { type: 'string' }, seed: { type: 'string' }, customers: { type: 'string' }, help: { type: 'boolean' } },
  });
  const command = positionals[0];
  if (values.help || (command !== 'rebuild' && command !== 'verify')) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  loadEnvFile();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const store = await createClickHouseStore(config.clickhouse);
  try {
    // A rebuild holds the schema lock, as a starting gateway does for its own: two must not run at once.
    const rebuilt = await withSchemaLock(
      store,
      async (guard) => {
        await applyMigrations(store, MIGRATIONS_DIR, guard);
        if (command !== 'rebuild') return false;
        const sink = new IngestSink(store, new InProcessActivityBus(), config.sink, logger);
        await sink.resumeVersions();
        await rebuildRollups(store, sink.nextVersion(), logger);
        return true;
      },
      { lockWaitMs: config.migrations.lockWaitMs, logger },
    );
    if (rebuilt) return 0;
    const sample = Number(values.sample ?? 1_000);
    if (!Number.isInteger(sample) || sample < 1) throw new ConfigError(`--sample must be a positive integer; got ${values.sample}`);
    const ids = values.customers ? values.customers.split(',').map((s) => s.trim()).filter(Boolean) : await sampleCustomers(store, sample, values.seed ? Number(values.seed) : undefined);
    const result = await verifyProfiles(store, ids);
    const summary = { customers: result.customers, fields: result.fields, mismatches: result.mismatches.length, ms: result.ms };
    console.log(JSON.stringify(summary));
    for (const m of result.mismatches.slice(0, 50)) console.log(JSON.stringify(m));
    return result.mismatches.length === 0 ? 0 : 1;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(2);
  },
);
