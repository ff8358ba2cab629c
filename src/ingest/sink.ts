import type { ActivityBus } from '../activity/bus';
import type { Logger } from '../logger';
import type { ClickHouseStore } from '../store/clickhouse';
import type { IngestRecord } from './records';
import { writeBatch, type Checkpoint } from './rollup/writer';

export type { Checkpoint } from './rollup/writer';

export interface SinkOptions {
  /** Flush as soon as this many rows wait. Default 50,000. */
  batchRows: number;
  /** Flush rows that have waited this long. Default 25 ms: freshness costs a part per flush. */
  flushMs: number;
  /** First retry delay after a failed write; doubles up to maxRetryDelayMs. Default 100 ms. */
  retryDelayMs?: number;
  /** Default 5,000 ms. */
  maxRetryDelayMs?: number;
  /** Epoch ms now; versions follow it where it is ahead of the highest one stored. Default Date.now. */
  clock?: () => number;
}

interface Batch {
  records: IngestRecord[];
  checkpoints: Map<string, Checkpoint>;
  waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
  rows: number;
}

const emptyBatch = (): Batch => ({ records: [], checkpoints: new Map(), waiters: [], rows: 0 });

export interface SinkStats {
  rowsWritten: number;
  batchesWritten: number;
  writeFailures: number;
  lastCommitAt: number | null;
}

/** Tables whose `version` column orders the states of one record. */
const VERSIONED_TABLES = ['customers', 'orders', 'marketing_emails', 'activity', 'customer_rollup', 'ingest_checkpoints'] as const;

/**
 * The one write path into ClickHouse for every source. Records are buffered and written in
 * batches (by size and by time), one batch after another, so each customer's records land in the
 * order they were written. `write()` resolves once its records are committed: only then may a
 * source acknowledge them (commit a Kafka offset, store a resume token). Each batch also brings the
 * per-customer rollups up to date (rollup/writer.ts), and its ActivityEvents are announced on the bus
 * once they are visible to queries.
 */
export class IngestSink {
  private batch = emptyBatch();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** Commits queued or running. */
  private committing = 0;
  /** Buffered rows are due, and go as soon as the commit in flight ends. */
  private due = false;
  private lastVersion = 0;
  private closed = false;
  /** Set by close(): a batch that still fails by then is given up. */
  private giveUpAt = Infinity;
  /** Cuts short the pause before a retry (close() calls it). */
  private wakeRetry: (() => void) | null = null;
  private readonly clock: () => number;
  readonly stats: SinkStats = { rowsWritten: 0, batchesWritten: 0, writeFailures: 0, lastCommitAt: null };

  constructor(
    private readonly store: ClickHouseStore,
    private readonly bus: ActivityBus,
    private readonly options: SinkOptions,
    private readonly logger: Logger,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Starts versions above every version already stored, so that a record written after a restart wins over
   * one written before it even when this host's clock is behind the one that wrote it.
   */
  async resumeVersions(): Promise<void> {
    const rows = await this.store.query<{ v: number }>(
      'versions',
      `SELECT max(v) AS v FROM (${VERSIONED_TABLES.map((t) => `SELECT max(version) AS v FROM ${t}`).join(' UNION ALL ')})`,
    );
    this.lastVersion = Math.max(this.lastVersion, Number(rows[0]?.v ?? 0));
  }

  /** A version above every one handed out or stored before (see resumeVersions), following the clock when it is ahead. */
  nextVersion(): number {
    this.lastVersion = Math.max(this.clock() * 1000, this.lastVersion + 1);
    return this.lastVersion;
  }

  write(records: readonly IngestRecord[], checkpoint?: Checkpoint): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The ingest sink is closed; the records were not written.'));
    const b = this.batch;
    for (const record of records) {
      if (record.kind === 'weblog' || record.row.version !== undefined) b.records.push(record);
      else b.records.push({ ...record, row: { ...record.row, version: this.nextVersion() } } as IngestRecord);
    }
    b.rows += records.length;
    if (checkpoint) b.checkpoints.set(checkpoint.source, checkpoint);
    const committed = new Promise<void>((resolve, reject) => b.waiters.push({ resolve, reject }));
    if (b.rows >= this.options.batchRows) this.flushWhenFree();
    else if (!this.timer && !this.due) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flushWhenFree();
      }, this.options.flushMs);
    }
    return committed;
  }

  /**
   * While a commit is in flight, due rows keep gathering and go together when it ends: a commit costs
   * about the same however few rows it holds, so under load batches grow instead of queueing up.
   */
  private flushWhenFree(): void {
    if (this.committing > 0) this.due = true;
    else void this.flush();
  }

  /** Writes everything buffered now; resolves when it (and every earlier batch) is committed. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.due = false;
    const batch = this.batch;
    if (batch.waiters.length > 0) {
      this.batch = emptyBatch();
      this.committing++;
      this.chain = this.chain
        .then(() => this.commit(batch))
        .finally(() => {
          this.committing--;
          if (this.due && this.committing === 0) void this.flush();
        });
    }
    return this.chain;
  }

  /**
   * Flushes what is buffered, then refuses further writes. A batch that still fails `graceMs` after close()
   * began is given up: its writers get the error, so nothing of it is acknowledged (no Kafka offset committed,
   * no resume token stored) and the sources deliver it again after a restart. Default: keep retrying.
   */
  async close(graceMs = Infinity): Promise<void> {
    this.giveUpAt = Math.min(this.giveUpAt, Date.now() + graceMs);
    this.wakeRetry?.();
    await this.flush();
    this.closed = true;
  }

  private async commit(batch: Batch): Promise<void> {
    let delay = this.options.retryDelayMs ?? 100;
    let events;
    for (let attempt = 1; ; attempt++) {
      try {
        events = await writeBatch(this.store, batch.records, [...batch.checkpoints.values()], this.nextVersion());
        break;
      } catch (error) {
        this.stats.writeFailures++;
        if (Date.now() >= this.giveUpAt) {
          this.logger.error({ err: error, attempt, rows: batch.rows }, 'ClickHouse write failed while closing; the batch is given up and will be delivered again');
          for (const w of batch.waiters) w.reject(error);
          return;
        }
        // Writing a batch again is safe: it reads the states its first attempt may have left, and every
        // table collapses a row written twice.
        this.logger.warn({ err: error, attempt, retryInMs: delay, rows: batch.rows }, 'ClickHouse write failed; retrying');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, Math.min(delay, this.giveUpAt - Date.now())));
          this.wakeRetry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeRetry = null;
        delay = Math.min(delay * 2, this.options.maxRetryDelayMs ?? 5_000);
      }
    }
    this.stats.rowsWritten += batch.rows;
    this.stats.batchesWritten++;
    this.stats.lastCommitAt = Date.now();
    this.bus.publish(events);
    for (const w of batch.waiters) w.resolve();
  }
}

export async function readCheckpoint(store: ClickHouseStore, source: string): Promise<string | null> {
  const rows = await store.query<{ position: string }>(
    'checkpoint',
    'SELECT position FROM ingest_checkpoints FINAL WHERE source = {source:String}',
    { source },
  );
  return rows[0]?.position ?? null;
}
