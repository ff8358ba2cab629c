import type { Collection, Document } from 'mongodb';
import type { ClickHouseStore } from '../../store/clickhouse';
import type { IngestRecord } from '../records';
import type { RecentMap } from '../recent';
import type { SourceCollection } from './collections';
import { idString } from './document';

/** An order written over stored history (a change, or a snapshot after an earlier run): the sink reconciles it with what is stored. */
export const reconciling = (record: IngestRecord): IngestRecord => (record.kind === 'order' ? { ...record, reconcile: true } : record);

export interface SnapshotContext {
  collection: Collection;
  source: SourceCollection;
  store: ClickHouseStore;
  /** Documents per sink write. */
  chunkSize: number;
  /** ClickHouse may hold rows of this collection from an earlier run: rows whose documents are gone are deleted. */
  hasHistory: boolean;
  /** The row key of each document, as the feed remembers it. */
  keys: RecentMap<string, string[]>;
  stopping(): boolean;
  /** Hands records to the sink, keeping the collection's stored position. */
  write(records: IngestRecord[]): void;
  /** Hands a chunk of records to the sink, waiting while too many are in flight. */
  writeChunk(records: IngestRecord[], documentsSoFar: number): Promise<void>;
  /** Resolves once everything handed to the sink is committed. */
  settled(): Promise<void>;
  /** A document that does not map, as a record the sink sets aside. */
  setAside(doc: Document, id: string | null, reason: string): IngestRecord;
}

export interface SnapshotResult {
  /** False when stopped before the end. */
  completed: boolean;
  documents: number;
  /** Rows deleted because their documents are gone. */
  removed: number;
}

/**
 * Writes every document of the collection. After an earlier run, the rows ClickHouse holds for the
 * collection are then compared with what the snapshot saw: a row whose document is gone, or now lives
 * under another key (an order moved to another customer), is deleted.
 */
export async function takeSnapshot(ctx: SnapshotContext): Promise<SnapshotResult> {
  const seen = ctx.hasHistory ? new Map<string, string>() : null;
  if (!ctx.hasHistory) {
    // Marks the tables as holding this collection's rows, so an interrupted snapshot is reconciled next time.
    ctx.write([]);
  }
  let documents = 0;
  let chunk: IngestRecord[] = [];
  const cursor = ctx.collection.find({}, { batchSize: ctx.chunkSize });
  try {
    for await (const doc of cursor) {
      if (ctx.stopping()) return { completed: false, documents, removed: 0 };
      documents++;
      const sourceId = idString(doc['_id']);
      const mapped = ctx.source.map(doc);
      if (sourceId === null || !mapped.ok) {
        chunk.push(ctx.setAside(doc, sourceId, mapped.ok ? '_id: missing' : mapped.reason));
      } else {
        const record = mapped.value.record(false);
        // After an earlier run the tables may hold activity rows the states do not know of.
        chunk.push(ctx.hasHistory ? reconciling(record) : record);
        ctx.keys.set(sourceId, [mapped.value.key]);
        seen?.set(sourceId, mapped.value.key);
      }
      if (chunk.length >= ctx.chunkSize) {
        await ctx.writeChunk(chunk, documents);
        chunk = [];
      }
    }
  } finally {
    await cursor.close().catch(() => undefined);
  }
  await ctx.writeChunk(chunk, documents);

  let removed = 0;
  if (seen) {
    const tombstones: IngestRecord[] = [];
    for (const { sourceId, key } of await ctx.source.allKeys(ctx.store)) {
      if (seen.get(sourceId) !== key) {
        const tombstone = ctx.source.tombstone(sourceId, key);
        tombstones.push(reconciling(tombstone));
      }
    }
    removed = tombstones.length;
    if (removed > 0) ctx.write(tombstones);
  }
  await ctx.settled();
  return { completed: true, documents, removed };
}
