// The rollup check the ingestion tests end with: every field of every customer the tables know, as the
// gateway serves it from the rollups, equals a recomputation from the source tables.
import { sampleCustomers, verifyProfiles, type VerifyResult } from '../../src/maintenance/verify';
import { loadConfig } from '../../src/config';
import { createClickHouseStore, type ClickHouseStore } from '../../src/store/clickhouse';

export async function expectRollupsMatchSources(store: ClickHouseStore, ids?: readonly string[]): Promise<VerifyResult> {
  const customers = ids ?? (await sampleCustomers(store, 100_000));
  const result = await verifyProfiles(store, customers);
  expect(result.mismatches.slice(0, 20)).toEqual([]);
  expect(result.customers).toBeGreaterThan(0);
  return result;
}

/** The same check on the data directory a stopped gateway process left. */
export async function expectDataDirRollupsMatchSources(dataDir: string): Promise<VerifyResult> {
  const config = loadConfig({ CLICKHOUSE_DATA_DIR: dataDir, DEMO: 'false', LOG_LEVEL: 'silent' });
  const store = await createClickHouseStore(config.clickhouse);
  try {
    return await expectRollupsMatchSources(store);
  } finally {
    await store.close();
  }
}
