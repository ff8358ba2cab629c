import DataLoader from 'dataloader';
import type { ClickHouseStore } from '../store/clickhouse';
import { SharedBatcher } from './batcher';
import { searchCustomers } from './customer.loader';
import { rejectedRecords } from './rejected.loader';
import { profileBatch, profileCacheKey, type ProfileKey, type ProfileValue } from './parts';
import type { CustomerRollup, WebError } from './rollup.part';
import { customerSegments, segmentMembers, segmentSizes, type Membership } from './segment.loader';
import type { TimelineArgs, TimelinePage } from './timeline.part';

/**
 * How loads become queries:
 * - `shared` (default): per-request DataLoaders whose batches also coalesce across concurrent requests;
 * - `request`: per-request DataLoaders only (one query per request and tick);
 * - `naive`: no batching at all, one query per customer per part (a baseline for benchmarks).
 */
export type LoaderMode = 'shared' | 'request' | 'naive';

export interface LoaderOptions {
  mode: LoaderMode;
  /** Profile queries in flight at once across requests (shared mode). Default 1. */
  maxInFlight?: number;
  /** Most keys in one query (shared mode). Default 1,000. */
  maxKeys?: number;
  /** Most keys waiting for a query across requests (shared mode); past it, loads fail with OVERLOADED. Default 10,000. */
  maxQueuedKeys?: number;
}

type Batch = (keys: readonly ProfileKey[], signal?: AbortSignal) => Promise<Array<ProfileValue>>;

/** Built once per gateway; `create()` makes the loaders of one request. */
export class LoaderFactory {
  private readonly batch: Batch;
  private readonly shared: SharedBatcher<ProfileKey, ProfileValue> | null = null;

  constructor(
    private readonly store: ClickHouseStore,
    private readonly options: LoaderOptions = { mode: 'shared' },
  ) {
    const direct: Batch = (keys, signal) => profileBatch(signal ? store.withSignal(signal) : store)(keys);
    if (options.mode !== 'shared') {
      this.batch = direct;
      return;
    }
    const batcher = new SharedBatcher<ProfileKey, ProfileValue>(direct, {
      maxInFlight: options.maxInFlight ?? 1,
      maxKeys: options.maxKeys ?? 1_000,
      maxQueuedKeys: options.maxQueuedKeys ?? 10_000,
    });
    this.shared = batcher;
    this.batch = (keys, signal) => batcher.load(keys, signal);
  }

  /** Profile keys waiting for a query across requests (shared mode; 0 otherwise). */
  queuedKeys(): number {
    return this.shared?.waitingKeys ?? 0;
  }

  /**
   * The loaders of one request: one DataLoader over both profile parts, so everything a request asks in one
   * tick (customers, their rollups and timeline pages) is one query, and nothing one request caches is seen
   * by another. When `signal` aborts (the request timed out or its client left), its loads still waiting are
   * dropped and its queries abandoned.
   */
  create(signal?: AbortSignal) {
    const profile = new DataLoader<ProfileKey, ProfileValue, string>((keys) => this.batch(keys, signal), {
      batch: this.options.mode !== 'naive',
      cacheKeyFn: profileCacheKey,
    });
    const store = signal ? this.store.withSignal(signal) : this.store;
    const segments = new DataLoader<string, Membership[]>((ids) => customerSegments(store, ids), { batch: this.options.mode !== 'naive' });
    const sizes = new DataLoader<string, number>((names) => segmentSizes(store, names), { batch: this.options.mode !== 'naive' });
    return {
      /** Starts (or joins) the load of a part; the prefetch calls it with the keys the field resolvers will ask. */
      load: (key: ProfileKey) => profile.load(key),
      rollup: (id: string) => profile.load({ part: 'rollup', id }) as Promise<CustomerRollup>,
      errors: (id: string) => profile.load({ part: 'errors', id }) as Promise<WebError[]>,
      timeline: (id: string, args: TimelineArgs) => profile.load({ part: 'timeline', id, args }) as Promise<TimelinePage>,
      /** The segments a customer is in (as stored by the segment engine). */
      segments: (id: string) => segments.load(id),
      segmentSize: (name: string) => sizes.load(name),
      segmentMembers: (name: string, first: number, after: string | null) => segmentMembers(store, name, first, after),
      /** Not batched: a search is one query of its own. */
      search: (query: string, first: number) => searchCustomers(store, query, first),
      /** Not batched: support asks for one customer's set-aside records at a time. */
      rejected: (customerId: string, source: string | null, first: number) => rejectedRecords(store, customerId, source, first),
    };
  }
}

export type Loaders = ReturnType<LoaderFactory['create']>;
