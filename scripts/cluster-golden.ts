// Writes test/fixtures/cluster/*.sql: every migration rendered for a cluster and formatted by ClickHouse's
// parser (test/utils/clusterGolden.ts). Run after adding a migration or changing src/store/cluster/, review the
// diff, and commit it; test/integration/cluster.golden.test.ts fails until then.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { createClickHouseStore } from '../src/store/clickhouse';
import { GOLDEN_DIR, renderGoldenFiles } from '../test/utils/clusterGolden';

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'c360-golden-'));
  const store = await createClickHouseStore(loadConfig({ CLICKHOUSE_DATA_DIR: dataDir, DEMO: 'false' }).clickhouse);
  try {
    const files = await renderGoldenFiles(store);
    const keep = new Set(files.map((f) => f.name));
    for (const file of files) await writeFile(path.join(GOLDEN_DIR, file.name), file.text);
    for (const old of (await readdir(GOLDEN_DIR)).filter((f) => f.endsWith('.sql') && !keep.has(f))) await rm(path.join(GOLDEN_DIR, old));
    console.log(`wrote ${files.length} golden files to ${path.relative(process.cwd(), GOLDEN_DIR)}: ${files.map((f) => f.name).join(', ')}`);
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
