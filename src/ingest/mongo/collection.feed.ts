import { setTimeout as sleep } from 'node:timers/promises';
import { BSON, type ChangeStream, type Collection, type Document, type ResumeToken } from 'mongodb';
import type { Logger } from '../../logger';
import { deadLetters, ingestedEvents, ingestLagSeconds } from '../../observability/metrics';
import type { ClickHouseStore } from '../../store/clickhouse';
import type { IngestRecord } from '../records';
import { RecentMap } from '../recent';
import { readCheckpoint } from '../checkpoints';
import type { IngestSink } from '../sink';
import { followChanges } from './change-queue';
import type { SourceCollection } from './collections';
import { idString } from './document';
import { decodePosition, encodePosition, tokenRejected } from './resume-token';
import { reconciling, takeSnapshot } from './snapshot';

export interface FeedOptions {
  /** Documents per sink write during a snapshot. Default 5,000. */
  snapshotChunk: number;
  /** Change events per sink write at most. Default 5,000. */
  maxEventsPerWrite: number;
  /** Pause after an empty answer that came back at once (servers without awaitData). Default 20 ms. */
  pollIdleMs: number;
  /** How long the server may hold an empty getMore (real MongoDB). Default 1,000 ms. */
  maxAwaitTimeMs: number;
  /** Documents whose current row key is remembered, sparing a ClickHouse lookup. Default 100,000. */
  rememberKeys: number;
  retryMinMs: number;
  retryMaxMs: number;
}

export const DEFAULT_FEED_OPTIONS: FeedOptions = {
  snapshotChunk: 5_000,
  maxEventsPerWrite: 5_000,
  pollIdleMs: 20,
  maxAwaitTimeMs: 1_000,
  rememberKeys: 100_000,
  retryMinMs: 500,
  retryMaxMs: 30_000,
};

export interface FeedHooks {
  /** After each snapshot chunk is handed to the sink. */
  onSnapshotChunk?(collection: string, documentsSoFar: number): Promise<void> | void;
}

export interface FeedStatus {
  collection: string;
  state: 'starting' | 'snapshot' | 'streaming' | 'retrying' | 'stopped';
  connected: boolean;
  /** How the current stream began: from the stored resume token, or after a snapshot. */
  startedFrom: 'resume-token' | 'snapshot' | null;
  snapshots: number;
  snapshotDocuments: number;
  events: number;
  invalidDocuments: number;
  lastEventAt: string | null;
  /** Time between the last change and its ingestion, when the server says when the change happened. */
  lagMs: number | null;
  queued: number;
}

/** A change event as real MongoDB sends it; test servers leave out `ns`, `wallTime`, `updateDescription`. */
interface ChangeEvent {
  _id: ResumeToken;
  operationType: string;
  documentKey?: Document;
  fullDocument?: Document | null;
  wallTime?: Date;
  clusterTime?: { t?: number };
}

/** Marks an order record for reconciliation with the activity rows the sink finds (see IngestRecord). */

/** The stream cannot go on (the collection was dropped or renamed): start over with a snapshot. */
class StreamInvalidated extends Error {
  override name = 'StreamInvalidated';
}

/**
 * One source collection into ClickHouse: a change stream opened first (its position fixed),
 * then a snapshot of the collection, then the stream's events, so writes made during the
 * snapshot are not lost. Every write carries the resume token of its last event; a restart
 * resumes there. A token the server no longer accepts means a fresh snapshot, which also
 * tombstones rows whose documents disappeared meanwhile.
 */
export class CollectionFeed {
  private stopping = false;
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  /** undefined until the stored checkpoint is read; null when there is nothing to resume from. */
  private resumeToken: ResumeToken | null | undefined = undefined;
  /** ClickHouse may hold rows of this collection from an earlier run. */
  private hasHistory = false;
  private readonly keys: RecentMap<string, string[]>;
  private inFlight: Promise<void>[] = [];
  private streaming!: () => void;
  private readonly streamingOnce = new Promise<void>((resolve) => (this.streaming = resolve));
  private readonly state: FeedStatus;
  private readonly checkpointSource: string;

  constructor(
    private readonly collection: Collection,
    private readonly source: SourceCollection,
    private readonly sink: IngestSink,
    private readonly store: ClickHouseStore,
    private readonly logger: Logger,
    private readonly options: FeedOptions = DEFAULT_FEED_OPTIONS,
    private readonly hooks: FeedHooks = {},
  ) {
    this.keys = new RecentMap(options.rememberKeys);
    this.checkpointSource = `mongo:${source.name}`;
    this.state = {
      collection: source.name,
      state: 'starting',
      connected: false,
      startedFrom: null,
      snapshots: 0,
      snapshotDocuments: 0,
      events: 0,
      invalidDocuments: 0,
      lastEventAt: null,
      lagMs: null,
      queued: 0,
    };
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Resolves the first time the feed follows its change stream (after the snapshot, if one was needed). */
  whenStreaming(): Promise<void> {
    return this.streamingOnce;
  }

  status(): FeedStatus {
    return { ...this.state };
  }

  /** Stops reading; resolves once everything read is committed to ClickHouse with its resume token. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await this.loop;
    await this.settled().catch((err: unknown) => this.logger.warn({ err }, 'last changes not committed'));
    this.state.state = 'stopped';
    this.state.connected = false;
  }

  private async run(): Promise<void> {
    let delay = this.options.retryMinMs;
    while (!this.stopping) {
      try {
        await this.session();
        delay = this.options.retryMinMs;
      } catch (err) {
        if (this.stopping) break;
        this.state.state = 'retrying';
        this.state.connected = false;
        // Start again from what ClickHouse has committed; the remembered keys may be ahead of it.
        await this.settled().catch(() => undefined);
        this.keys.clear();
        if (err instanceof StreamInvalidated) {
          this.logger.warn({ reason: err.message }, 'change stream invalidated; taking a fresh snapshot');
          continue;
        }
        this.resumeToken = undefined;
        this.logger.warn({ err, retryInMs: delay }, 'MongoDB change stream failed; reopening');
        await this.pause(delay);
        delay = Math.min(delay * 2, this.options.retryMaxMs);
      }
    }
  }

  private async session(): Promise<void> {
    if (this.resumeToken === undefined) {
      const stored = await readCheckpoint(this.store, this.checkpointSource);
      this.hasHistory = stored !== null;
      this.resumeToken = decodePosition(stored);
    }
    const watchOptions = { fullDocument: 'updateLookup', maxAwaitTimeMS: this.options.maxAwaitTimeMs } as const;
    const initial: ChangeEvent[] = [];
    let stream: ChangeStream | null = null;

    if (this.resumeToken !== null) {
      stream = this.collection.watch([], { ...watchOptions, resumeAfter: this.resumeToken });
      try {
        const first = (await stream.tryNext()) as ChangeEvent | null;
        if (first) initial.push(first);
        this.state.startedFrom = 'resume-token';
        this.logger.info('change stream resumed from the stored token');
      } catch (err) {
        await stream.close().catch(() => undefined);
        stream = null;
        if (!tokenRejected(err)) throw err;
        this.logger.warn({ err }, 'the stored resume token was rejected (invalid or expired); taking a fresh snapshot');
        this.resumeToken = null;
      }
    }

    if (stream === null) {
      // Open the stream before reading the collection: it holds every change made from here on.
      stream = this.collection.watch([], watchOptions);
      try {
        const first = (await stream.tryNext()) as ChangeEvent | null;
        if (first) initial.push(first);
        this.state.connected = true;
        if (!(await this.snapshot())) {
          await stream.close().catch(() => undefined);
          return;
        }
        // Until the first event there may be no token (servers without postBatchResumeToken): a
        // restart before then takes a snapshot again.
        if (initial.length === 0) this.write([], stream.resumeToken ?? null);
        this.state.startedFrom = 'snapshot';
      } catch (err) {
        await stream.close().catch(() => undefined);
        throw err;
      }
    }

    this.state.state = 'streaming';
    this.state.connected = true;
    this.streaming();
    try {
      await this.follow(stream, initial);
    } finally {
      await stream.close().catch(() => undefined);
    }
  }

  /** Writes every document of the collection; false if stopped before the end. */
  private async snapshot(): Promise<boolean> {
    const started = Date.now();
    this.state.state = 'snapshot';
    this.state.snapshots++;
    this.logger.info({ afterEarlierRun: this.hasHistory }, 'snapshot started');
    const result = await takeSnapshot({
      collection: this.collection,
      source: this.source,
      store: this.store,
      chunkSize: this.options.snapshotChunk,
      hasHistory: this.hasHistory,
      keys: this.keys,
      stopping: () => this.stopping,
      write: (records) => this.write(records, null),
      writeChunk: (records, documentsSoFar) => this.snapshotWrite(records, documentsSoFar),
      settled: () => this.settled(),
      setAside: (doc, id, reason) => this.setAside(doc, id, reason),
    });
    this.hasHistory = true;
    if (!result.completed) return false;
    this.state.snapshotDocuments = result.documents;
    this.logger.info({ documents: result.documents, removed: result.removed, ms: Date.now() - started }, 'snapshot written');
    return true;
  }

  private async snapshotWrite(chunk: IngestRecord[], documentsSoFar: number): Promise<void> {
    if (chunk.length > 0) {
      const written = this.sink.write(chunk);
      this.inFlight.push(written);
      const count = chunk.length;
      written.then(() => ingestedEvents.inc({ source: this.source.name }, count)).catch(() => undefined);
      // Two chunks in flight: reading the next overlaps writing the last.
      while (this.inFlight.length > 2) await this.inFlight.shift();
    }
    await this.hooks.onSnapshotChunk?.(this.source.name, documentsSoFar);
  }

  /** Reads the stream and writes its events in order, reading ahead of writing (change-queue.ts). */
  private follow(stream: ChangeStream, initial: ChangeEvent[]): Promise<void> {
    return followChanges<ChangeEvent>(initial, {
      read: async () => (await stream.tryNext()) as ChangeEvent | null,
      write: (events) => this.apply(events),
      maxPerWrite: this.options.maxEventsPerWrite,
      pollIdleMs: this.options.pollIdleMs,
      pause: (ms) => this.pause(ms),
      stopping: () => this.stopping,
      onQueued: (queued) => (this.state.queued = queued),
    });
  }

  /** Turns events into records (looking up the row keys that deletes and key changes need) and writes them. */
  private async apply(events: readonly ChangeEvent[]): Promise<void> {
    const unknown = new Set<string>();
    for (const e of events) {
      if (e.operationType === 'insert') continue;
      const id = this.sourceIdOf(e);
      if (id !== null && !this.keys.has(id)) unknown.add(id);
    }
    if (unknown.size > 0) await this.lookUpKeys([...unknown]);

    const records: IngestRecord[] = [];
    let last: ChangeEvent | null = null;
    for (const e of events) {
      const id = this.sourceIdOf(e);
      switch (e.operationType) {
        case 'insert':
        case 'update':
        case 'replace': {
          const doc = e.fullDocument;
          // No document: it was deleted after this change, and its delete event follows.
          if (id === null || !doc || idString(doc['_id']) !== id) break;
          const mapped = this.source.map(doc);
          if (!mapped.ok) {
            // A new version that does not map leaves the previous one in the profile, and the record says so.
            const previous = (this.keys.get(id) ?? []).length > 0;
            const shows = previous ? 'the profile keeps showing its previous version' : 'the profile does not show it';
            records.push(this.setAside(doc, id, `${mapped.reason}; ${shows}`));
            break;
          }
          for (const key of this.keys.get(id) ?? []) {
            if (key !== mapped.value.key) records.push(reconciling(this.source.tombstone(id, key)));
          }
          const record = mapped.value.record(e.operationType === 'insert');
          // An insert is new; anything else may replay a change a crash cut short.
          records.push(e.operationType === 'insert' ? record : reconciling(record));
          this.keys.set(id, [mapped.value.key]);
          break;
        }
        case 'delete':
          if (id === null) {
            records.push(this.setAside(e.documentKey ?? {}, null, 'delete event without documentKey._id'));
            break;
          }
          for (const key of this.keys.get(id) ?? []) records.push(reconciling(this.source.tombstone(id, key)));
          this.keys.set(id, []);
          break;
        case 'drop':
        case 'rename':
        case 'dropDatabase':
        case 'invalidate':
          this.write(records, last?._id ?? this.resumeToken ?? null);
          this.resumeToken = null;
          throw new StreamInvalidated(`${this.source.name}: ${e.operationType}`);
        default:
          // Index and collection-option events carry no documents.
          break;
      }
      last = e;
    }
    if (last) {
      this.state.events += events.length;
      this.state.lastEventAt = new Date().toISOString();
      const changedAt = last.wallTime instanceof Date ? last.wallTime.getTime() : last.clusterTime?.t ? last.clusterTime.t * 1000 : null;
      this.state.lagMs = changedAt === null ? null : Math.max(0, Date.now() - changedAt);
      if (this.state.lagMs !== null) ingestLagSeconds.set({ source: this.source.name }, this.state.lagMs / 1000);
      this.write(records, last._id, events.length);
    }
    while (this.inFlight.length > 3) await this.inFlight.shift();
  }

  /** The changed document's `_id`. Test servers put the update itself in an update's documentKey, so fall back to the document. */
  private sourceIdOf(e: ChangeEvent): string | null {
    const key = e.documentKey?.['_id'];
    if (key !== undefined) return idString(key);
    const doc = e.fullDocument;
    return doc && doc['_id'] !== undefined ? idString(doc['_id']) : null;
  }

  private async lookUpKeys(ids: string[]): Promise<void> {
    // What this feed has handed to the sink must be in ClickHouse before ClickHouse is asked.
    await this.settled();
    for (let i = 0; i < ids.length; i += 1_000) {
      const chunk = ids.slice(i, i + 1_000);
      const found = new Map<string, string[]>();
      for (const { sourceId, key } of await this.source.keysOf(this.store, chunk)) {
        const list = found.get(sourceId);
        if (list) list.push(key);
        else found.set(sourceId, [key]);
      }
      for (const id of chunk) this.keys.set(id, found.get(id) ?? []);
    }
  }

  /** Hands records to the sink with the position they bring the collection to. */
  private write(records: IngestRecord[], token: ResumeToken | null, changes = 0): void {
    this.resumeToken = token;
    const written = this.sink.write(records, { source: this.checkpointSource, position: encodePosition(token) });
    this.inFlight.push(written);
    if (changes > 0) written.then(() => ingestedEvents.inc({ source: this.source.name }, changes)).catch(() => undefined);
  }

  private async settled(): Promise<void> {
    while (this.inFlight.length > 0) await this.inFlight.shift();
  }

  /** A document that does not map, as a record the sink stores in rejected_records. */
  private setAside(doc: Document, id: string | null, reason: string): IngestRecord {
    this.state.invalidDocuments++;
    deadLetters.inc({ topic: this.source.name });
    const customer = doc[this.source.name === 'customers' ? 'id' : 'user_id'];
    return {
      kind: 'rejected',
      origin: {
        source: `mongo:${this.source.name}`,
        key: id ?? '',
        customerId: typeof customer === 'string' ? customer : null,
        document: BSON.EJSON.stringify(doc, { relaxed: true }),
      },
      reason,
    };
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }
}
