import type { ActivityEvent } from '../activity/activity';
import type { ActivityBus } from '../activity/bus';
import type { Logger } from '../logger';
import { erasedRecordsDropped, recordsSetAside } from '../observability/metrics';
import { customerOf, Tombstones } from '../privacy/tombstone';
import type { ClickHouseStore } from '../store/clickhouse';
import { failureKind } from '../store/failures';
import type { IngestRecord, Origin } from './records';
import type { Checkpoint } from './checkpoints';
import { repairCustomers } from './rollup/rebuild';
import { writeBatch } from './rollup/writer';
import { checkRecord, storableCustomer } from './validation';

export interface SinkOptions {
  /** Flush as soon as this many rows wait. Default 50,000. */
  batchRows: number;
  /** Flush rows that have waited this long. Default 25 ms: freshness costs a part per flush. */
  flushMs: number;
  /** First retry delay after a failed write; doubles up to maxRetryDelayMs. Default 100 ms. */
  retryDelayMs?: number;
  /** Default 5,000 ms. */
  maxRetryDelayMs?: number;
  /** Longest string a record may hold, in UTF-8 bytes (INGEST_MAX_STRING_BYTES). Default 1 MiB. */
  maxStringBytes?: number;
  /** Check records before writing them (checkRecord). Default true; tests turn it off to reach the engine's own refusal. */
  validate?: boolean;
  /** Epoch ms now; versions follow it where it is ahead of the highest one stored. Default Date.now. */
  clock?: () => number;
}

/**
 * Called with the records of a write that are set aside (they broke their shape, or the engine refused them),
 * once they are stored in `rejected_records` and before the write resolves: the Kafka ingester sends them to
 * the dead-letter topic there. Each record is the one given to write(); `reason` says why it was set aside.
 */
export type SetAsideHook = (setAside: ReadonlyArray<{ record: IngestRecord; reason: string }>) => Promise<void>;

interface Entry {
  record: IngestRecord;
  /** The record as given to write() (`record` may be a versioned or rejected form of it): what the set-aside hook gets. */
  given: IngestRecord;
  setAside?: SetAsideHook;
}

interface Batch {
  entries: Entry[];
  checkpoints: Map<string, Checkpoint>;
  waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
  rows: number;
}

const emptyBatch = (): Batch => ({ entries: [], checkpoints: new Map(), waiters: [], rows: 0 });

/** What one commit changed, for listeners that act on it once it is visible to queries (segments, live profiles). */
export interface Committed {
  /** Every customer whose records the batch wrote (set-aside records excluded). */
  customers: ReadonlySet<string>;
  events: readonly ActivityEvent[];
}

export interface SinkStats {
  rowsWritten: number;
  batchesWritten: number;
  writeFailures: number;
  /** Records stored in rejected_records instead: refused by the checks, or by the engine. */
  setAside: number;
  /** Records of erased customers dropped instead of stored (src/privacy). */
  erasedDropped: number;
  lastCommitAt: number | null;
}

/** Tables whose `version` column orders the states of one record. */
const VERSIONED_TABLES = ['customers', 'orders', 'marketing_emails', 'activity', 'customer_rollup', 'ingest_checkpoints', 'segment_members'] as const;

/** The batch was given up (the sink is closing and it still failed): nothing of it is acknowledged. */
class GaveUp extends Error {
  override name = 'GaveUp';
  constructor(override readonly cause: unknown) {
    super(`ClickHouse write given up while closing: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** Where a record came from, for `rejected_records`: its origin, or the record itself. */
function originOf(record: IngestRecord): Origin {
  if (record.kind === 'rejected') return record.origin;
  const document = record.origin?.document ?? JSON.stringify(record.row);
  if (record.origin) return { ...record.origin, document };
  const customerId = record.kind === 'customer' ? record.row.id : record.row.user_id;
  return { source: `sink:${record.kind}`, key: '', customerId, document };
}

/** Where a record came from, without its document: what metrics and log lines name. */
function sourceOf(record: IngestRecord): { source: string; key: string } {
  const origin: Origin | undefined = record.origin;
  return origin ? { source: origin.source, key: origin.key } : { source: `sink:${record.kind}`, key: '' };
}

function rejected(record: IngestRecord, reason: string): IngestRecord {
  return { kind: 'rejected', origin: originOf(record), reason };
}

/** The engine's reason for refusing a row: its error type and the first clause of its message, which hold no data. */
function engineReason(error: unknown): string {
  const e = error as { type?: string; message?: string };
  const clause = String(e.message ?? error).split(/[:(\n]/)[0]!.trim().slice(0, 200);
  return `refused by ClickHouse: ${e.type ?? 'error'}${clause ? ` (${clause})` : ''}`;
}

/**
 * The one write path into ClickHouse for every source. Records are buffered and written in
 * batches (by size and by time), one batch after another, so each customer's records land in the
 * order they were written. `write()` resolves once its records are committed: only then may a
 * source acknowledge them (commit a Kafka offset, store a resume token). Each batch also brings the
 * per-customer rollups up to date (rollup/writer.ts), and its ActivityEvents are announced on the bus
 * once they are visible to queries.
 *
 * No record can hold the others back. A record that breaks what the engine takes is set aside before it
 * is written (checkRecord). A failure the engine reports about the data itself (a parse, type or size
 * error) splits the batch until the refused records are found; they are set aside with the engine's
 * reason and the rest is committed. Anything else (the engine unreachable, a timeout, too many parts) is
 * transient: the batch is retried with backoff until it goes through, or the sink closes.
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
  /** Set by giveUpAfter()/close(): a batch that still fails by then is given up. */
  private giveUpAt = Infinity;
  /** Cuts short the pause before a retry. */
  private wakeRetry: (() => void) | null = null;
  private readonly clock: () => number;
  private readonly maxStringBytes: number;
  private readonly listeners = new Set<(committed: Committed) => void>();
  readonly stats: SinkStats = { rowsWritten: 0, batchesWritten: 0, writeFailures: 0, setAside: 0, erasedDropped: 0, lastCommitAt: null };
  /**
   * The erased customers (src/privacy/erasure.ts): every commit drops their records before it reads a state or
   * writes a row, whichever source sent them and however long they waited in the buffer.
   */
  readonly erased = new Tombstones();

  constructor(
    private readonly store: ClickHouseStore,
    private readonly bus: ActivityBus,
    private readonly options: SinkOptions,
    private readonly logger: Logger,
  ) {
    this.clock = options.clock ?? Date.now;
    this.maxStringBytes = options.maxStringBytes ?? 1024 * 1024;
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

  /**
   * Calls `listener` after every commit, once its rows are visible to queries and its events published, with the
   * customers it touched. A listener that throws is logged and does not affect the commit. Returns a remover.
   */
  onCommit(listener: (committed: Committed) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs `work` between two commits, alone: it starts once the commit in flight (if any) has ended, and no
   * commit starts until it is done. Rows buffered meanwhile go in the next commit after it. An erasure removes
   * a customer's rows here, after adding them to `erased`: a batch that read their state before cannot write
   * after the removal, and every batch after it drops their records.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.committing++;
    const run = this.chain.then(work);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    ).finally(() => {
      this.committing--;
      if (this.due && this.committing === 0) void this.flush();
    });
    return run;
  }

  /** A version above every one handed out or stored before (see resumeVersions), following the clock when it is ahead. */
  nextVersion(): number {
    this.lastVersion = Math.max(this.clock() * 1000, this.lastVersion + 1);
    return this.lastVersion;
  }

  /**
   * Buffers records for the next commit; resolves once they are committed (or set aside, stored in
   * `rejected_records`, and `setAside` has run for each). A checkpoint is stored with the batch, after its rows.
   */
  write(records: readonly IngestRecord[], checkpoint?: Checkpoint, setAside?: SetAsideHook): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The ingest sink is closed; the records were not written.'));
    const b = this.batch;
    const hook = setAside ? { setAside } : {};
    for (const given of records) {
      const record = given.kind === 'customer' ? { ...given, row: storableCustomer(given.row) } : given;
      if (record.kind === 'rejected') this.setAsideCounted(record, 'source', record.reason);
      const reason = this.options.validate === false ? null : checkRecord(record, this.maxStringBytes);
      if (reason !== null) {
        b.entries.push({ record: rejected(record, reason), given, ...hook });
        this.setAsideCounted(record, 'validation', reason);
      } else if (record.kind === 'weblog' || record.kind === 'rejected' || record.row.version !== undefined) {
        b.entries.push({ record, given, ...hook });
      } else {
        b.entries.push({ record: { ...record, row: { ...record.row, version: this.nextVersion() } } as IngestRecord, given, ...hook });
      }
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
   * From `graceMs` from now, a batch that still fails is given up: its writers get the error, so nothing of it
   * is acknowledged (no Kafka offset committed, no resume token stored) and the sources deliver it again after
   * a restart. A shutdown calls this first, so that sources waiting on the sink can stop in time.
   */
  giveUpAfter(graceMs: number): void {
    this.giveUpAt = Math.min(this.giveUpAt, Date.now() + graceMs);
    this.wakeRetry?.();
  }

  /** Flushes what is buffered, then refuses further writes; see giveUpAfter for `graceMs`. Default: keep retrying. */
  async close(graceMs = Infinity): Promise<void> {
    this.giveUpAfter(graceMs);
    await this.flush();
    this.closed = true;
  }

  private async commit(batch: Batch): Promise<void> {
    this.dropErased(batch);
    let events: ActivityEvent[];
    let setAside: Array<{ origin: Origin; reason: string }>;
    try {
      ({ events, setAside } = await this.writeEntries(batch.entries, [...batch.checkpoints.values()]));
    } catch (error) {
      for (const w of batch.waiters) w.reject(error instanceof GaveUp ? error.cause : error);
      return;
    }
    if (setAside.length > 0) {
      const first = setAside[0]!;
      this.logger.warn({ count: setAside.length, firstSource: first.origin.source, firstKey: first.origin.key, firstReason: first.reason }, 'records set aside in rejected_records');
    }
    this.stats.rowsWritten += batch.rows;
    this.stats.batchesWritten++;
    this.stats.lastCommitAt = Date.now();
    this.bus.publish(events);
    if (this.listeners.size > 0) {
      const customers = new Set<string>();
      for (const { record } of batch.entries) {
        if (record.kind !== 'rejected') customers.add(customerOf(record)!);
      }
      for (const listener of this.listeners) {
        try {
          listener({ customers, events });
        } catch (err) {
          this.logger.error({ err }, 'a commit listener failed');
        }
      }
    }
    for (const w of batch.waiters) w.resolve();
  }

  /**
   * Writes the entries in order and the checkpoints after them. When the engine refuses the data, the entries
   * are split in halves, each written on its own (applying the halves in order is applying the whole), until the
   * refused records are found; those are stored as rejected records, with the checkpoints, last. Then each set-
   * aside record's hook runs. Throws GaveUp when the sink gives up while closing.
   */
  private async writeEntries(entries: Entry[], checkpoints: Checkpoint[]): Promise<{ events: ActivityEvent[]; setAside: Array<{ origin: Origin; reason: string }> }> {
    const events: ActivityEvent[] = [];
    const refused: Entry[] = [];
    // A loop, not push(...events): a batch grown large while a commit was in flight (200,000 page views) holds more
    // events than a call may take arguments.
    const collect = (written: ActivityEvent[]) => {
      for (const event of written) events.push(event);
    };
    try {
      collect(await this.attempt(entries.map((e) => e.record), checkpoints));
    } catch (error) {
      if (error instanceof GaveUp) throw error;
      this.logger.warn({ err: error, records: entries.length }, 'ClickHouse refused part of a batch; finding the records it refuses');
      const split = async (part: Entry[]): Promise<void> => {
        try {
          collect(await this.attempt(part.map((e) => e.record), []));
        } catch (e) {
          if (e instanceof GaveUp) throw e;
          if (part.length === 1) {
            const reason = engineReason(e);
            this.setAsideCounted(part[0]!.record, 'engine', reason);
            refused.push({ ...part[0]!, record: rejected(part[0]!.record, reason) });
            return;
          }
          const mid = Math.ceil(part.length / 2);
          await split(part.slice(0, mid));
          await split(part.slice(mid));
        }
      };
      await split(entries);
      // The first attempt may have stored states and activity rows from a record the engine then refused in
      // its source table: make those customers' states and activity match the source tables again.
      const touched = refused.map((e) => (e.record as { origin: Origin }).origin.customerId).filter((id): id is string => Boolean(id));
      await this.retrying('repair of refused customers', () => repairCustomers(this.store, touched, this.nextVersion()));
      await this.attempt(
        refused.map((e) => e.record),
        checkpoints,
      );
    }
    // Sources act on what was set aside (the dead-letter topic) before they acknowledge the batch.
    const byHook = new Map<SetAsideHook, Array<{ record: IngestRecord; reason: string }>>();
    for (const { record, given, setAside } of [...entries, ...refused]) {
      if (record.kind !== 'rejected' || !setAside) continue;
      let items = byHook.get(setAside);
      if (!items) byHook.set(setAside, (items = []));
      items.push({ record: given, reason: record.reason });
    }
    for (const [hook, items] of byHook) await this.retrying('set-aside hook', () => hook(items));
    const setAside = [...entries, ...refused].flatMap(({ record }) => (record.kind === 'rejected' ? [{ origin: record.origin, reason: record.reason }] : []));
    return { events, setAside };
  }

  /**
   * One write of records and checkpoints, retried while it fails for a transient reason. A failure about the
   * data itself is thrown at once (the caller splits); so is GaveUp, when the sink gives up.
   */
  private attempt(records: readonly IngestRecord[], checkpoints: readonly Checkpoint[]): Promise<ActivityEvent[]> {
    return this.retrying('ClickHouse write', () => writeBatch(this.store, records, checkpoints, this.nextVersion()), (error) => failureKind(error) === 'permanent');
  }

  private async retrying<T>(what: string, run: () => Promise<T>, permanent: (error: unknown) => boolean = () => false): Promise<T> {
    let delay = this.options.retryDelayMs ?? 100;
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        this.stats.writeFailures++;
        if (permanent(error)) throw error;
        if (Date.now() >= this.giveUpAt) {
          this.logger.error({ err: error, attempt }, `${what} failed while closing; the batch is given up and will be delivered again`);
          throw new GaveUp(error);
        }
        // Writing a batch again is safe: it reads the states its first attempt may have left, and every
        // table collapses a row written twice.
        this.logger.warn({ err: error, attempt, retryInMs: delay }, `${what} failed; retrying`);
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
  }

  /** Takes the records of erased customers out of a batch about to be written, and counts them by source. */
  private dropErased(batch: Batch): void {
    if (this.erased.size === 0) return;
    const { kept, dropped } = this.erased.partition(batch.entries, (e) => customerOf(e.given));
    if (dropped.length === 0) return;
    batch.entries = kept;
    batch.rows -= dropped.length;
    this.stats.erasedDropped += dropped.length;
    for (const { given } of dropped) erasedRecordsDropped.inc({ source: sourceOf(given).source });
    // No id: the log keeps no trace of whom the records were about.
    this.logger.info({ count: dropped.length, firstSource: sourceOf(dropped[0]!.given).source }, 'records of erased customers dropped');
  }

  private setAsideCounted(record: IngestRecord, stage: 'source' | 'validation' | 'engine', reason: string): void {
    this.stats.setAside++;
    const origin = sourceOf(record);
    recordsSetAside.inc({ source: origin.source, stage });
    // One line per record at debug; warn once per commit (see commit()), as a flood of bad input is one event.
    this.logger.debug({ source: origin.source, key: origin.key, stage, reason }, 'record set aside');
  }
}
