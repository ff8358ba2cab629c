import type { ClickHouseStore } from '../store/clickhouse';

/** Where a source has got to; stored with the batch it covers, so a restart resumes exactly there. */
export interface Checkpoint {
  source: string;
  position: string;
}

export async function readCheckpoint(store: ClickHouseStore, source: string): Promise<string | null> {
  const rows = await store.query<{ position: string }>(
    'checkpoint',
    'SELECT position FROM ingest_checkpoints FINAL WHERE source = {source:String}',
    { source },
  );
  return rows[0]?.position ?? null;
}
