import type { ClickHouseSettings } from '@clickhouse/client';
import type { Principal } from '../auth/credentials';
import { badUserInput } from '../errors';
import type { IngestSink } from '../ingest/sink';
import type { Logger } from '../logger';
import type { ClickHouseStore } from '../store/clickhouse';
import { CUSTOMER_TABLES, type CustomerTable } from './tables';
import { customerIdHash } from './tombstone';

/** What an erasure did, as `ErasureReceipt` serves it. */
export interface ErasureReceiptData {
  customerId: string;
  requestedAt: Date;
  /** When no row of the customer was left on disk in any table; null while the removal is forced. */
  completedAt: Date | null;
  rowsRemoved: number;
  /** Every table the erasure searched and cleared. */
  tables: string[];
}

export interface ErasureOptions {
  /** The removal must be verified on disk within this long of the request (ERASURE_DEADLINE_MS); past it, an error is logged and audited. */
  deadlineMs: number;
  /** eraseCustomer replies after the rows are gone from queries and at most this long after that, done or not. */
  replyWithinMs: number;
}

interface ErasureRow {
  id_hash: string;
  requested_at: number;
  completed_at: number | null;
  rows_removed: number;
  tables: string[];
}

type AuditEvent = 'requested' | 'removed' | 'completed' | 'overdue';

/** Which rows of a table an erasure removes: by the id itself, or (resuming after a restart) by its hash. */
type Target = { kind: 'id'; id: string } | { kind: 'hash'; hash: string };

const MAX_REASON = 500;
/**
 * On a ClickHouse server, how often a gateway reads the tombstones other gateways wrote. The ingesting gateway
 * may commit a batch for the customer up to this long (and one commit) after another gateway erased them, so
 * there the removal is verified only after twice this long, and rows found again are deleted again.
 */
const TOMBSTONE_REFRESH_MS = 1_000;
/** Mutations (the lightweight DELETE's mask, APPLY DELETED MASK) are waited for on every replica. */
const SYNC: ClickHouseSettings = { mutations_sync: '2', lightweight_deletes_sync: '2' };

function where(t: CustomerTable, target: Target): string {
  if (target.kind === 'hash') return `lower(hex(SHA256(${t.column}))) = {hash:String}`;
  return t.alsoWhere ? `(${t.column} = {id:String} OR ${t.alsoWhere})` : `${t.column} = {id:String}`;
}

/** Rows over all tables. */
const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

const params = (target: Target) => (target.kind === 'id' ? { id: target.id } : { hash: target.hash });

/**
 * The right to erasure (docs/privacy.md). An erasure:
 * 1. records a tombstone of the id's hash (`erasures`), and adds it to the ingest sink's, so every batch
 *    committed from then on drops the customer's records, whatever source sends them;
 * 2. between two commits of the sink (IngestSink.exclusive), counts and deletes the customer's rows in every
 *    table of CUSTOMER_TABLES (lightweight DELETE): a batch in flight that read their rollup state has
 *    committed before, so nothing it wrote comes back, and from here no query sees the customer;
 * 3. forces the removal onto disk: `APPLY DELETED MASK` rewrites the parts that held the rows, and a read
 *    that ignores the delete mask verifies that none is left; then the receipt is completed.
 * Each step is audited in `erasure_audit`, without the id. A restart finishes an erasure left incomplete,
 * by the hash (the id itself is not kept).
 */
export class CustomerErasure {
  /** Erasures run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(customerId: string) => void>();
  /** Forcing still running, so that a shutdown can wait for it. */
  private readonly forcing = new Set<Promise<unknown>>();
  private stopped = false;
  private refresh: NodeJS.Timeout | null = null;
  /** `updated_at` of the last receipt row written: each is later than the one before, even within a millisecond. */
  private lastWrite = 0;
  /** Wraps each removal by id: the segment engine runs it with no evaluation round beside it (onRemove). */
  private around: <T>(customerId: string, remove: () => Promise<T>) => Promise<T> = (_id, remove) => remove();

  constructor(
    private readonly store: ClickHouseStore,
    private readonly sink: IngestSink,
    private readonly logger: Logger,
    private readonly options: ErasureOptions,
  ) {}

  /**
   * Loads every tombstone into the sink. Call before the sink takes a write. On a ClickHouse server, other
   * gateways may erase too: their tombstones are read again every TOMBSTONE_REFRESH_MS from then on.
   */
  async loadTombstones(): Promise<number> {
    const count = await this.readTombstones();
    if (this.store.mode === 'server' && !this.refresh) {
      this.refresh = setInterval(() => {
        this.readTombstones().catch((err: unknown) => this.logger.warn({ err }, 'reading the tombstones of other gateways failed'));
      }, TOMBSTONE_REFRESH_MS);
      this.refresh.unref();
    }
    return count;
  }

  /** Adds every stored tombstone to the sink's; resolves with how many there are. */
  private async readTombstones(): Promise<number> {
    const rows = await this.store.query<{ id_hash: string }>('erasures', 'SELECT DISTINCT id_hash FROM erasures');
    for (const r of rows) this.sink.erased.add(r.id_hash);
    return rows.length;
  }

  /**
   * Runs each removal of a customer's rows (by id) inside `wrap`, which must call it once. The segment engine
   * uses it to keep its evaluation rounds apart from the removal, and to publish the customer's exits after it.
   */
  onRemove(wrap: <T>(customerId: string, remove: () => Promise<T>) => Promise<T>): void {
    this.around = wrap;
  }

  /** Calls `listener` with the id once an erasure has removed the customer's rows (live profiles end there). */
  onErased(listener: (customerId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The receipt of the customer's erasure, or null if they were never erased. */
  async receipt(customerId: string): Promise<ErasureReceiptData | null> {
    const row = await this.read(customerIdHash(customerId));
    return row ? toReceipt(customerId, row) : null;
  }

  /**
   * Erases the customer; resolves with the receipt once the rows are gone from every query, and the removal
   * is on disk or `replyWithinMs` has passed (then `completedAt` is null and `erasure(customerId)` tells later).
   */
  async erase(customerId: string, reason: string, actor: Principal): Promise<ErasureReceiptData> {
    const id = customerId;
    const why = reason.trim();
    if (id.trim() === '') throw badUserInput('Argument "customerId" must not be empty.', 'customerId');
    if (why.length === 0) throw badUserInput('Argument "reason" must not be empty: give the request\'s reference.', 'reason');
    if (why.length > MAX_REASON) throw badUserInput(`Argument "reason" may be at most ${MAX_REASON} characters long.`, 'reason');
    const run = this.queue.then(() => this.run(id, why, actor));
    this.queue = run.catch(() => undefined);
    const { receipt, forced } = await run;
    const waited = await Promise.race([forced, new Promise<null>((resolve) => setTimeout(() => resolve(null), this.options.replyWithinMs).unref())]);
    return waited ?? receipt;
  }

  /** Finishes the erasures a stopped process left incomplete (by hash). Runs in the background from start. */
  async resumePending(): Promise<void> {
    const pending = await this.store.query<ErasureRow>(
      'erasures',
      `SELECT id_hash, toUnixTimestamp64Milli(requested_at) AS requested_at, rows_removed, tables FROM erasures FINAL WHERE completed_at IS NULL`,
    );
    for (const row of pending) {
      const target: Target = { kind: 'hash', hash: row.id_hash };
      this.sink.erased.add(row.id_hash);
      const run = this.queue.then(async () => {
        const removed = await this.sink.exclusive(() => this.remove(target));
        const rows = Number(row.rows_removed) + total(removed);
        const data = { ...row, rows_removed: rows, tables: CUSTOMER_TABLES.map((t) => t.table) };
        await this.write(data);
        await this.force(target, data, { id: 'gateway', role: 'system' }, '(resumed after a restart)');
      });
      this.queue = run.catch(() => undefined);
      await run;
    }
  }

  /**
   * Stops retrying (a shutdown) and waits for the forcing that is running. An erasure left incomplete stays
   * so in `erasures`, and the next start finishes it (resumePending).
   */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.refresh) clearInterval(this.refresh);
    await Promise.allSettled([...this.forcing]);
  }

  private async run(id: string, reason: string, actor: Principal): Promise<{ receipt: ErasureReceiptData; forced: Promise<ErasureReceiptData | null> }> {
    await this.refusePersonalReason(id, reason);
    const hash = customerIdHash(id);
    const who = { id: actor.id, role: actor.role };
    const requestedAt = Date.now();
    await this.audit(hash, who, reason, 'requested', '');
    const row: ErasureRow = { id_hash: hash, requested_at: requestedAt, completed_at: null, rows_removed: 0, tables: [] };
    // The tombstone first: a crash from here on leaves an erasure that the next start finishes.
    await this.write(row);
    this.sink.erased.add(hash);
    const target: Target = { kind: 'id', id };
    const removed = await this.sink.exclusive(() => this.around(id, () => this.remove(target)));
    row.rows_removed = total(removed);
    row.tables = CUSTOMER_TABLES.map((t) => t.table);
    await this.write(row);
    await this.audit(hash, who, reason, 'removed', JSON.stringify(removed));
    this.logger.info({ idHash: hash, actor: actor.id, rowsRemoved: row.rows_removed, ms: Date.now() - requestedAt }, 'customer erased from every query');
    for (const listener of this.listeners) {
      try {
        listener(id);
      } catch (err) {
        this.logger.error({ err }, 'an erasure listener failed');
      }
    }
    const forced = this.force(target, row, who, reason).then((done) => (done ? toReceipt(id, done) : null));
    return { receipt: toReceipt(id, row), forced };
  }

  /** Counts, then deletes, the customer's rows in every table; rows removed per table. Runs between sink commits. */
  private async remove(target: Target): Promise<Record<string, number>> {
    const counts = await this.count(target, false);
    for (const t of CUSTOMER_TABLES) {
      if ((counts[t.table] ?? 0) === 0) continue;
      await this.store.command('erasure', `DELETE FROM ${t.table} WHERE ${where(t, target)}`, params(target), SYNC);
    }
    return counts;
  }

  /** Rows of the customer per table; `onDisk`: also those deleted but still in a part (the delete mask ignored). */
  private async count(target: Target, onDisk: boolean): Promise<Record<string, number>> {
    const sql = CUSTOMER_TABLES.map((t) => `SELECT '${t.table}' AS t, count() AS n FROM ${t.table} WHERE ${where(t, target)}`).join('\nUNION ALL\n');
    const rows = await this.store.query<{ t: string; n: number }>('erasure', sql, params(target), onDisk ? { settings: { apply_deleted_mask: 0 } } : {});
    return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
  }

  /**
   * Rewrites the parts that still hold the deleted rows, then reads every table ignoring the delete mask: when
   * nothing is left, the receipt is completed. Retried until the deadline; past it, logged and audited as
   * overdue, and still retried.
   */
  private force(target: Target, row: ErasureRow, who: { id: string; role: string }, reason: string): Promise<ErasureRow | null> {
    const deadline = row.requested_at + this.options.deadlineMs;
    let overdue = false;
    const attempt = async (): Promise<ErasureRow | null> => {
      if (this.store.mode === 'server') await new Promise((resolve) => setTimeout(resolve, 2 * TOMBSTONE_REFRESH_MS));
      for (let delay = 200; ; delay = Math.min(delay * 2, 10_000)) {
        try {
          // Rows visible again were written by a gateway that did not know the tombstone yet: deleted again
          // (remove() counts first and deletes only where it found rows).
          row.rows_removed += total(await this.remove(target));
          const left = await this.count(target, true);
          for (const t of CUSTOMER_TABLES) {
            if ((left[t.table] ?? 0) > 0) await this.store.command('erasure', `ALTER TABLE ${t.table} APPLY DELETED MASK`, {}, SYNC);
          }
          const after = await this.count(target, true);
          const remaining = Object.entries(after).filter(([, n]) => n > 0);
          if (remaining.length === 0) {
            const done = { ...row, completed_at: Date.now() };
            await this.write(done);
            await this.audit(row.id_hash, who, reason, 'completed', JSON.stringify({ ms: done.completed_at - row.requested_at }));
            return done;
          }
          throw new Error(`rows still on disk in ${remaining.map(([t]) => t).join(', ')}`);
        } catch (err) {
          if (this.stopped) return null;
          if (!overdue && Date.now() > deadline) {
            overdue = true;
            this.logger.error({ err, idHash: row.id_hash, deadlineMs: this.options.deadlineMs }, 'erasure not on disk within its deadline; still trying');
            await this.audit(row.id_hash, who, reason, 'overdue', (err as Error).message).catch(() => undefined);
          } else {
            this.logger.warn({ err, idHash: row.id_hash, retryInMs: delay }, 'forcing an erasure onto disk failed; retrying');
          }
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    };
    const running = attempt();
    this.forcing.add(running);
    void running.finally(() => this.forcing.delete(running));
    return running;
  }

  /** A reason is the request's reference: it must not hold the customer's id, name or e-mail address. */
  private async refusePersonalReason(id: string, reason: string): Promise<void> {
    const [c] = await this.store.query<{ first_name: string | null; last_name: string | null; email: string | null }>(
      'erasure',
      'SELECT first_name, last_name, email FROM customers FINAL WHERE id = {id:String}',
      { id },
    );
    const text = reason.toLowerCase();
    const personal = [id, c?.email, c?.first_name && c?.last_name ? `${c.first_name} ${c.last_name}` : null];
    if (personal.some((p) => p && p.trim().length > 0 && text.includes(p.toLowerCase()))) {
      throw badUserInput('Argument "reason" must not hold the customer\'s id, name or e-mail address: the audit log keeps no personal data. Give the request\'s reference.', 'reason');
    }
  }

  private async read(hash: string): Promise<ErasureRow | null> {
    const [row] = await this.store.query<ErasureRow>(
      'erasures',
      `SELECT id_hash, toUnixTimestamp64Milli(requested_at) AS requested_at, toUnixTimestamp64Milli(completed_at) AS completed_at, rows_removed, tables
       FROM erasures FINAL WHERE id_hash = {hash:String}`,
      { hash },
    );
    return row ?? null;
  }

  private async write(row: ErasureRow): Promise<void> {
    this.lastWrite = Math.max(Date.now(), this.lastWrite + 1);
    await this.store.insert('erasures', [{ ...row, updated_at: this.lastWrite }]);
  }

  private async audit(hash: string, who: { id: string; role: string }, reason: string, event: AuditEvent, detail: string): Promise<void> {
    await this.store.insert('erasure_audit', [{ at: Date.now(), id_hash: hash, actor: who.id, role: who.role, reason, event, detail }]);
  }
}

function toReceipt(customerId: string, row: ErasureRow): ErasureReceiptData {
  return {
    customerId,
    requestedAt: new Date(Number(row.requested_at)),
    completedAt: row.completed_at === null ? null : new Date(Number(row.completed_at)),
    rowsRemoved: Number(row.rows_removed),
    tables: row.tables,
  };
}
