import { MongoClient } from 'mongodb';
import type { Logger } from '../../logger';
import type { ClickHouseStore } from '../../store/clickhouse';
import type { IngestSink } from '../sink';
import { CollectionFeed, DEFAULT_FEED_OPTIONS, type FeedHooks, type FeedOptions, type FeedStatus } from './collection.feed';
import { SOURCE_COLLECTIONS } from './collections';

export interface MongoIngesterOptions {
  feed?: Partial<FeedOptions>;
  hooks?: FeedHooks;
}

export interface MongoIngestStatus {
  /** Every collection follows its change stream (or is taking its snapshot). */
  connected: boolean;
  /** The largest lag among the collections, when known. */
  lagMs: number | null;
  collections: FeedStatus[];
}

/** The SPEC's MongoDB collections (`customers`, `online_orders`, `instore_orders`) into ClickHouse, one feed each. */
export class MongoIngester {
  private readonly client: MongoClient;
  private readonly feeds: CollectionFeed[];

  constructor(
    config: { url: string; database: string },
    sink: IngestSink,
    store: ClickHouseStore,
    private readonly logger: Logger,
    options: MongoIngesterOptions = {},
  ) {
    // No serverApi: servers that only speak the legacy handshake (test servers) refuse it.
    this.client = new MongoClient(config.url, { appName: 'customer360', serverSelectionTimeoutMS: 10_000 });
    const db = this.client.db(config.database);
    const feedOptions = { ...DEFAULT_FEED_OPTIONS, ...options.feed };
    this.feeds = SOURCE_COLLECTIONS.map(
      (source) =>
        new CollectionFeed(db.collection(source.name), source, sink, store, logger.child({ collection: source.name }), feedOptions, options.hooks),
    );
  }

  start(): void {
    for (const feed of this.feeds) feed.start();
  }

  /** Resolves once every collection has taken its snapshot (if it needed one) and follows its change stream. */
  async whenStreaming(): Promise<void> {
    await Promise.all(this.feeds.map((f) => f.whenStreaming()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.feeds.map((f) => f.stop()));
    await this.client.close();
    this.logger.info({ collections: this.feeds.map((f) => f.status()) }, 'MongoDB ingester stopped');
  }

  status(): MongoIngestStatus {
    const collections = this.feeds.map((f) => f.status());
    const lags = collections.map((c) => c.lagMs).filter((l): l is number => l !== null);
    return {
      connected: collections.every((c) => c.connected),
      lagMs: lags.length > 0 ? Math.max(...lags) : null,
      collections,
    };
  }
}
