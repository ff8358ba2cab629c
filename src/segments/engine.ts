import { readCheckpoint } from '../ingest/checkpoints';
import type { Logger } from '../logger';
import { segmentChanges, segmentPendingCustomers, segmentRounds } from '../observability/metrics';
import { createProgress } from '../observability/progress';
import type { ClickHouseStore } from '../store/clickhouse';
import { compileSegments, type CompiledSegments } from './compile';
import type { SegmentDefinition } from './definitions';
import { changeId, evaluateAndStore, type SegmentChange, type Selector } from './evaluate';

export interface SegmentEngineOptions {
  /** Epoch ms now: what relative times ("90 days ago") are measured from. Default Date.now; tests inject one. */
  clock?: () => number;
  /** How often the schedule re-evaluates the customers whose instant has passed (SEGMENTS_RECHECK_MS); 0: only on recheck(). */
  recheckMs: number;
  /** A version above every one stored (the sink's): membership rows of a later round win. */
  nextVersion: () => number;
  /** Pause before a failed round is tried again. Default 1,000 ms. */
  retryDelayMs?: number;
}

/** Where the engine's changes go once stored: the subscribers of this gateway (SegmentChangeBus), and maybe further. */
export interface ChangePublisher {
  publish(changes: SegmentChange[]): void;
  /** `segmentChanges` subscriptions open here. */
  subscriberCount(): number;
}

export interface SegmentStats {
  rounds: number;
  customersEvaluated: number;
  changes: number;
  failures: number;
}

/** Customers per evaluation query: ids travel as a query parameter (in the URL of a ClickHouse server). */
const IDS_PER_ROUND = 5_000;
/** Customers per step of a recompute (a range of ids). */
const RECOMPUTE_CHUNK = 10_000;
const CHECKPOINT_PREFIX = 'segment:';
const TIMERS_CHECKPOINT = 'segments:timers';

/**
 * Keeps segment membership current. The customers each commit touched (IngestSink.onCommit) are evaluated in
 * ClickHouse against every segment, one query per round; the difference from the stored membership is written
 * and then published as entries and exits. Rounds run one at a time: customers touched while a round runs are
 * gathered into the next one, so under load rounds grow instead of queueing up. Besides commits, two things
 * change membership: the clock (recheck(), on a schedule, re-evaluates the customers whose instant has passed),
 * and a definition that changed (sync(), at start and on reload, recomputes that segment for every customer, in
 * steps that interleave with the commits' rounds).
 */
export class SegmentEngine {
  private definitions: SegmentDefinition[];
  private compiled: CompiledSegments;
  private readonly pending = new Set<string>();
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private syncing: Promise<void> = Promise.resolve();
  private interval: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly clock: () => number;
  readonly stats: SegmentStats = { rounds: 0, customersEvaluated: 0, changes: 0, failures: 0 };

  constructor(
    private readonly store: ClickHouseStore,
    private readonly bus: ChangePublisher,
    definitions: readonly SegmentDefinition[],
    private readonly logger: Logger,
    private readonly options: SegmentEngineOptions,
  ) {
    this.definitions = [...definitions];
    this.compiled = compileSegments(this.definitions);
    this.clock = options.clock ?? Date.now;
  }

  /** The segments in force, in the file's order. */
  list(): readonly SegmentDefinition[] {
    return this.definitions;
  }

  /** `segmentChanges` subscriptions open on this gateway. */
  get subscribers(): number {
    return this.bus.subscriberCount();
  }

  get(name: string): SegmentDefinition | undefined {
    return this.definitions.find((d) => d.name === name);
  }

  /** Brings the stored membership in line with the definitions (sync), then starts the schedule. */
  start(): Promise<void> {
    if (this.options.recheckMs > 0) {
      this.interval = setInterval(() => {
        this.recheck().catch((err: unknown) => this.logger.warn({ err }, 'segment recheck failed; the next one covers its customers'));
      }, this.options.recheckMs);
      this.interval.unref();
    }
    return this.sync();
  }

  /**
   * Runs an erasure's removal of the customer's rows (`remove`) with no evaluation round beside it: a round that
   * read the customer before the removal would otherwise write membership rows for them after it. Then publishes
   * the customer's exit from every segment they were in, so that subscribers drop them at once; nothing more is
   * stored for them.
   */
  erase<T>(customerId: string, remove: () => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      this.pending.delete(customerId);
      segmentPendingCustomers.set(this.pending.size);
      const names = this.compiled.names;
      const held =
        names.length === 0
          ? []
          : await this.store.query<{ segment: string }>(
              'segmentErasure',
              'SELECT segment FROM segment_members FINAL WHERE customer_id = {id:String} AND segment IN {names:Array(String)}',
              { id: customerId, names },
            );
      const result = await remove();
      if (held.length > 0) {
        const version = this.options.nextVersion();
        const at = new Date(this.clock());
        this.publish(held.map(({ segment }) => ({ id: changeId(segment, customerId, 'EXITED', version), segment, customerId, kind: 'EXITED', at })));
      }
      return result;
    });
  }

  /** Evaluates these customers in the next round (the sink's commit listener). */
  touched(customers: Iterable<string>): void {
    if (this.stopped) return;
    for (const id of customers) this.pending.add(id);
    segmentPendingCustomers.set(this.pending.size);
    this.schedule();
  }

  /**
   * Re-evaluates every customer with an instant in (last check, now], the instants the evaluations stored in
   * segment_timers; resolves with how many customers that was.
   */
  recheck(): Promise<number> {
    return this.enqueue(async () => {
      const from = Number((await readCheckpoint(this.store, TIMERS_CHECKPOINT)) ?? 0);
      const to = this.clock();
      const due = (
        await this.store.query<{ customer_id: string }>(
          'segmentTimers',
          `SELECT DISTINCT customer_id FROM segment_timers
           WHERE due > fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND due <= fromUnixTimestamp64Milli({to:Int64}, 'UTC')`,
          { from, to },
        )
      ).map((r) => r.customer_id);
      for (let i = 0; i < due.length; i += IDS_PER_ROUND) await this.round({ ids: due.slice(i, i + IDS_PER_ROUND) }, this.compiled, to);
      await this.store.insert('ingest_checkpoints', [{ source: TIMERS_CHECKPOINT, position: String(to), version: this.options.nextVersion() }]);
      if (due.length > 0) this.logger.debug({ customers: due.length }, 'segments re-evaluated on schedule');
      return due.length;
    });
  }

  /** Takes new definitions (a SIGHUP): the segments whose condition changed are recomputed, removed ones emptied. */
  reload(definitions: readonly SegmentDefinition[]): Promise<void> {
    this.definitions = [...definitions];
    this.compiled = compileSegments(this.definitions);
    return this.sync();
  }

  /** Resolves once every customer touched so far has been evaluated and published. */
  async idle(): Promise<void> {
    while (this.scheduled || this.pending.size > 0) {
      await this.chain;
      // A failed round waits for its retry timer: let it fire instead of spinning on a settled chain.
      if (!this.scheduled && this.pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.chain;
  }

  /** Stops the schedule and lets the round in flight finish; customers touched afterwards are not evaluated. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.interval) clearInterval(this.interval);
    if (this.retry) clearTimeout(this.retry);
    await this.chain;
  }

  /**
   * Recomputes each segment whose definition differs from the one its membership was computed with (its
   * fingerprint, stored in ingest_checkpoints once a recompute completes), and empties segments no longer
   * defined. A recompute interrupted by a restart runs again from the start: each step diffs against what
   * is stored, so nothing is entered twice.
   */
  sync(): Promise<void> {
    const run = this.syncing.then(() => this.syncNow());
    this.syncing = run.catch(() => undefined);
    return run;
  }

  private async syncNow(): Promise<void> {
    const definitions = this.definitions;
    const stored = new Map(
      (
        await this.store.query<{ source: string; position: string }>(
          'segmentDefinitions',
          'SELECT source, position FROM ingest_checkpoints FINAL WHERE startsWith(source, {prefix:String})',
          { prefix: CHECKPOINT_PREFIX },
        )
      ).map((r) => [r.source.slice(CHECKPOINT_PREFIX.length), r.position]),
    );
    for (const [name, fingerprint] of stored) {
      if (fingerprint === '' || definitions.some((d) => d.name === name)) continue;
      await this.enqueue(async () => {
        const version = this.options.nextVersion();
        await this.store.command(
          'segmentRetire',
          `INSERT INTO segment_members (segment, customer_id, since, version, deleted)
           SELECT segment, customer_id, fromUnixTimestamp64Milli({now:Int64}, 'UTC'), {version:UInt64}, 1 FROM segment_members FINAL WHERE segment = {segment:String}`,
          { now: this.clock(), version, segment: name },
        );
        await this.store.insert('ingest_checkpoints', [{ source: CHECKPOINT_PREFIX + name, position: '', version }]);
      });
      this.logger.info({ segment: name }, 'segment no longer defined; its membership is emptied');
    }
    const changed = definitions.filter((d) => stored.get(d.name) !== d.fingerprint);
    if (changed.length === 0) return;
    const started = Date.now();
    const compiled = compileSegments(changed);
    const ids = (await this.store.query<{ id: string }>('segmentRecompute', 'SELECT DISTINCT user_id AS id FROM customer_rollup ORDER BY id')).map((r) => r.id);
    this.logger.info({ segments: compiled.names, customers: ids.length }, 'segment definitions changed; recomputing their membership');
    const progress = createProgress(`segments ${compiled.names.join(', ')}`, ids.length, 'customers', this.logger, ['changes']);
    let changes = 0;
    // The first step starts at the lowest id and the last one has no end, so members whose rollup is gone exit too.
    for (let i = 0; i === 0 || i < ids.length; i += RECOMPUTE_CHUNK) {
      if (this.stopped) return progress.stop();
      const selector: Selector = { from: i === 0 ? '' : ids[i]!, to: i + RECOMPUTE_CHUNK < ids.length ? ids[i + RECOMPUTE_CHUNK]! : null };
      changes += await this.enqueue(() => this.round(selector, compiled, this.clock()));
      progress.update(Math.min(i + RECOMPUTE_CHUNK, ids.length), { changes });
    }
    progress.stop();
    const version = this.options.nextVersion();
    await this.store.insert(
      'ingest_checkpoints',
      changed.map((d) => ({ source: CHECKPOINT_PREFIX + d.name, position: d.fingerprint, version })),
    );
    this.logger.info({ segments: compiled.names, customers: ids.length, changes, ms: Date.now() - started }, 'segment membership recomputed');
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    void this.enqueue(() => this.evaluatePending());
  }

  /** Runs `job` after every job queued before it; the chain goes on whether it succeeds or fails. */
  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.chain.then(job);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async evaluatePending(): Promise<void> {
    this.scheduled = false;
    const ids = [...this.pending];
    this.pending.clear();
    segmentPendingCustomers.set(0);
    const now = this.clock();
    for (let i = 0; i < ids.length; i += IDS_PER_ROUND) {
      const chunk = ids.slice(i, i + IDS_PER_ROUND);
      try {
        await this.round({ ids: chunk }, this.compiled, now);
      } catch (err) {
        // Evaluated again in a later round: nothing was published for them, and what was stored is diffed against.
        this.stats.failures++;
        segmentRounds.inc({ outcome: 'error' });
        for (const id of ids.slice(i)) this.pending.add(id);
        segmentPendingCustomers.set(this.pending.size);
        this.logger.warn({ err, customers: ids.length - i }, 'segment evaluation failed; retrying');
        this.retry ??= setTimeout(() => {
          this.retry = null;
          this.schedule();
        }, this.options.retryDelayMs ?? 1_000);
        return;
      }
    }
  }

  /** One evaluation query and its writes; publishes the changes once they are stored. */
  private async round(selector: Selector, compiled: CompiledSegments, now: number): Promise<number> {
    const { changes, customers } = await evaluateAndStore(this.store, compiled, selector, now, this.options.nextVersion());
    this.stats.rounds++;
    this.stats.customersEvaluated += customers;
    segmentRounds.inc({ outcome: 'ok' });
    this.publish(changes);
    return changes.length;
  }

  /** Counts stored changes and hands them to the subscribers. */
  private publish(changes: SegmentChange[]): void {
    this.stats.changes += changes.length;
    for (const c of changes) segmentChanges.inc({ segment: c.segment, kind: c.kind });
    this.bus.publish(changes);
  }
}
