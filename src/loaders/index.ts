import DataLoader from 'dataloader';
import type { ClickHouseStore } from '../store/clickhouse';
import { SharedBatcher } from './batcher';
import { customerBatch, searchCustomers } from './customer.loader';
import { engagementBatch } from './engagement.loader';
import { favouriteProductsBatch } from './favouriteProducts.loader';
import type { KeyedBatch } from './keyed';
import { purchaseStatsBatch } from './purchaseStats.loader';
import { recentErrorsBatch } from './recentErrors.loader';
import { timelineBatch } from './timeline.loader';

/**
 * How loads become queries:
 * - `shared` (default): per-request DataLoaders whose batches also coalesce across concurrent requests;
 * - `request`: per-request DataLoaders only (one query per part per request);
 * - `naive`: no batching at all, one query per customer per part (a baseline for benchmarks).
 */
export type LoaderMode = 'shared' | 'request' | 'naive';

export interface LoaderOptions {
  mode: LoaderMode;
  /** Queries of one part in flight at once across requests (shared mode). Default 1. */
  maxInFlight?: number;
  /** Most keys in one query (shared mode). Default 1,000. */
  maxKeys?: number;
}

function batchFunctions(store: ClickHouseStore) {
  return {
    customer: customerBatch(store),
    purchaseStats: purchaseStatsBatch(store),
    engagement: engagementBatch(store),
    favouriteProducts: favouriteProductsBatch(store),
    timeline: timelineBatch(store),
    recentErrors: recentErrorsBatch(store),
  };
}

type BatchFunctions = ReturnType<typeof batchFunctions>;
type Batch<K, V> = (keys: readonly K[]) => Promise<V[]>;

/** Built once per gateway; `create()` makes the loaders of one request. */
export class LoaderFactory {
  private readonly batches: BatchFunctions;

  constructor(
    private readonly store: ClickHouseStore,
    private readonly options: LoaderOptions = { mode: 'shared' },
  ) {
    const direct = batchFunctions(store);
    if (options.mode !== 'shared') {
      this.batches = direct;
      return;
    }
    const limits = { maxInFlight: options.maxInFlight ?? 1, maxKeys: options.maxKeys ?? 1_000 };
    const share = <K, V>(batch: Batch<K, V>): Batch<K, V> => {
      const batcher = new SharedBatcher(batch, limits);
      return (keys) => batcher.load(keys);
    };
    const shareKeyed = <A, V>(batch: KeyedBatch<A, V>): KeyedBatch<A, V> =>
      Object.assign(share(batch), { cacheKey: batch.cacheKey });
    this.batches = {
      customer: share(direct.customer),
      purchaseStats: share(direct.purchaseStats),
      engagement: share(direct.engagement),
      favouriteProducts: shareKeyed(direct.favouriteProducts),
      timeline: shareKeyed(direct.timeline),
      recentErrors: shareKeyed(direct.recentErrors),
    };
  }

  /**
   * One DataLoader per part of the profile, created for each request: fields of N customers in one
   * request cost one query per part, and nothing one request caches is seen by another.
   */
  create() {
    const b = this.batches;
    const batch = this.options.mode !== 'naive';
    const loader = <K, V>(fn: Batch<K, V>) => new DataLoader<K, V>(fn, { batch });
    const keyed = <A, V>(fn: KeyedBatch<A, V>) =>
      new DataLoader<{ id: string; args: A }, V, string>(fn, { batch, cacheKeyFn: fn.cacheKey });
    return {
      customer: loader(b.customer),
      purchaseStats: loader(b.purchaseStats),
      engagement: loader(b.engagement),
      favouriteProducts: keyed(b.favouriteProducts),
      timeline: keyed(b.timeline),
      recentErrors: keyed(b.recentErrors),
      /** Not batched: a search is one query of its own. */
      search: (query: string, first: number) => searchCustomers(this.store, query, first),
    };
  }
}

export type Loaders = ReturnType<LoaderFactory['create']>;
