import type { ActivityBus } from '../activity/bus';
import type { ActivityEvent } from '../activity/activity';
import type { Logger } from '../logger';
import type { ClickHouseStore } from '../store/clickhouse';
import { activityOf, type CustomerRow, type EmailRow, type IngestRecord, type OrderRow, type WeblogRow } from './records';

export interface SinkOptions {
  /** Flush as soon as this many rows wait. Default 50,000. */
  batchRows: number;
  /** Flush rows that have waited this long. Default 25 ms: freshness costs a part per flush. */
  flushMs: number;
  /** First retry delay after a failed write; doubles up to maxRetryDelayMs. Default 100 ms. */
  retryDelayMs?: number;
  /** Default 5,000 ms. */
  maxRetryDelayMs?: number;
}

/** Where a source has got to; stored with the batch it covers, so a restart resumes exactly there. */
export interface Checkpoint {
  source: string;
  position: string;
}

interface Batch {
  customers: CustomerRow[];
  orders: OrderRow[];
  emails: EmailRow[];
  weblogs: WeblogRow[];
  events: ActivityEvent[];
  checkpoints: Map<string, Checkpoint>;
  waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
  rows: number;
}

const emptyBatch = (): Batch => ({
  customers: [],
  orders: [],
  emails: [],
  weblogs: [],
  events: [],
  checkpoints: new Map(),
  waiters: [],
  rows: 0,
});

export interface SinkStats {
  rowsWritten: number;
  batchesWritten: number;
  writeFailures: number;
  lastCommitAt: number | null;
}

/**
 * The one write path into ClickHouse for every source. Records are buffered and written in
 * batches (by size and by time), one batch after another, so each customer's records land in the
 * order they were written. `write()` resolves once its records are committed: only then may a
 * source acknowledge them (commit a Kafka offset, store a resume token). Committed records
 * announce their ActivityEvents on the bus, after they are visible to queries.
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
  readonly stats: SinkStats = { rowsWritten: 0, batchesWritten: 0, writeFailures: 0, lastCommitAt: null };

  constructor(
    private readonly store: ClickHouseStore,
    private readonly bus: ActivityBus,
    private readonly options: SinkOptions,
    private readonly logger: Logger,
  ) {}

  /** A version above every one handed out before, in this process or (by the clock) an earlier one. */
  nextVersion(): number {
    this.lastVersion = Math.max(Date.now() * 1000, this.lastVersion + 1);
    return this.lastVersion;
  }

  write(records: readonly IngestRecord[], checkpoint?: Checkpoint): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The ingest sink is closed; the records were not written.'));
    const b = this.batch;
    for (const record of records) {
      switch (record.kind) {
        case 'customer':
          b.customers.push({ ...record.row, version: record.row.version ?? this.nextVersion() });
          break;
        case 'order':
          b.orders.push({ ...record.row, version: record.row.version ?? this.nextVersion() });
          break;
        case 'email':
          b.emails.push({ ...record.row, version: record.row.version ?? this.nextVersion() });
          break;
        case 'weblog':
          b.weblogs.push(record.row);
          break;
      }
      const event = activityOf(record);
      if (event) b.events.push(event);
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

  /** Flushes what is buffered and refuses further writes. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private async commit(batch: Batch): Promise<void> {
    let delay = this.options.retryDelayMs ?? 100;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.insert(batch);
        break;
      } catch (error) {
        this.stats.writeFailures++;
        if (this.closed) {
          for (const w of batch.waiters) w.reject(error);
          return;
        }
        // Rewriting a whole batch is safe: every table collapses a row written twice.
        this.logger.warn({ err: error, attempt, retryInMs: delay, rows: batch.rows }, 'ClickHouse write failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, this.options.maxRetryDelayMs ?? 5_000);
      }
    }
    this.stats.rowsWritten += batch.rows;
    this.stats.batchesWritten++;
    this.stats.lastCommitAt = Date.now();
    this.bus.publish(batch.events);
    for (const w of batch.waiters) w.resolve();
  }

  private async insert(batch: Batch): Promise<void> {
    await this.store.insert('customers', batch.customers);
    await this.store.insert('orders', batch.orders);
    await this.store.insert('marketing_emails', batch.emails);
    await this.store.insert('weblogs', batch.weblogs);
    if (batch.checkpoints.size > 0) {
      const version = this.nextVersion();
      await this.store.insert(
        'ingest_checkpoints',
        [...batch.checkpoints.values()].map((c) => ({ ...c, version })),
      );
    }
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
