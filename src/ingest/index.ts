import type { Config } from '../config';
import type { Gateway } from '../gateway';
import type { Logger } from '../logger';
import { caughtUp, type ReadinessCheck } from '../observability/readiness';
import { Lease, processOwner } from '../store/lease';
import { LeaseKeeper, type LeaseKeeperStatus } from '../store/lease.keeper';
import { KafkaIngester, type KafkaIngesterOptions, type KafkaIngestStatus } from './kafka/kafka.ingester';
import { MongoIngester, type MongoIngesterOptions, type MongoIngestStatus } from './mongo/mongo.ingester';

export interface IngestStatus {
  mongo?: MongoIngestStatus;
  kafka?: KafkaIngestStatus;
  /** The ingest lease, when this process shares the sources with other replicas. */
  lease?: LeaseKeeperStatus;
}

export interface Ingesters {
  /** Resolves once every source this process runs is consuming (MongoDB: after its snapshot). */
  ready(): Promise<void>;
  /** Connected and lag per source, for health checks. */
  status(): IngestStatus;
  /** Stops reading; resolves once what was read is committed (offsets, resume tokens) and clients are closed. */
  stop(): Promise<void>;
}

export interface IngestOptions {
  mongo?: MongoIngesterOptions;
  kafka?: KafkaIngesterOptions;
  /**
   * How the ingest lease is held. `clickhouse`: a lease in ClickHouse that every replica sharing the server or
   * cluster sees (src/store/lease.ts). `process`: this process alone, which is right for the embedded engine,
   * where one process owns the data. Default: `clickhouse` on a server, `process` embedded.
   */
  lease?: 'clickhouse' | 'process';
  /** This process's name in the lease (default: host, pid and a random suffix). */
  leaseOwner?: string;
}

const DEFAULT_LEASE: Config['ingest']['lease'] = { sources: 'all', ttlMs: 15_000 };

/**
 * Starts the ingesters of the configured sources (MongoDB when MONGO_URL is set, Kafka when
 * KAFKA_BROKERS is set), writing through the gateway's sink. Call stop() before the gateway
 * closes: the sink must still be open to take the last batches.
 *
 * With several gateway replicas, the MongoDB feed runs on exactly one: the holder of the ingest lease, which
 * another replica takes over when the holder stops renewing it. Kafka runs on the holder too
 * (INGEST_LEASE=all), or on every replica, which then share the partitions through the consumer group
 * (INGEST_LEASE=mongo; docs/scaling.md says when that is safe).
 */
export async function startIngesters(
  config: Pick<Config, 'mongo' | 'kafka'> & Partial<Pick<Config, 'operations' | 'ingest'>>,
  gateway: Pick<Gateway, 'sink' | 'store'> & Partial<Pick<Gateway, 'readiness'>>,
  logger: Logger,
  options: IngestOptions = {},
): Promise<Ingesters> {
  const { sources, ttlMs } = config.ingest?.lease ?? DEFAULT_LEASE;
  const kafkaLeased = sources === 'all';
  const newMongo = (m: NonNullable<Config['mongo']>) =>
    new MongoIngester(m, gateway.sink, gateway.store, logger.child({ component: 'mongo-ingester' }), options.mongo);
  const newKafka = (k: NonNullable<Config['kafka']>) => new KafkaIngester(k, gateway.sink, logger.child({ component: 'kafka-ingester' }), options.kafka);

  // What runs only on the lease holder, created anew each time this process gains the lease.
  let mongo: MongoIngester | null = null;
  let leasedKafka: KafkaIngester | null = null;
  const startLeased = async (): Promise<void> => {
    // MongoDB feeds retry on their own in the background; a Kafka client that cannot start is an error.
    if (config.mongo) (mongo = newMongo(config.mongo)).start();
    if (config.kafka && kafkaLeased) {
      leasedKafka = newKafka(config.kafka);
      try {
        await leasedKafka.start();
      } catch (err) {
        await mongo?.stop();
        mongo = null;
        throw err;
      }
    }
  };
  const stopLeased = async (): Promise<void> => {
    const running = [mongo, leasedKafka];
    mongo = null;
    leasedKafka = null;
    await Promise.all(running.map((ingester) => ingester?.stop()));
  };

  const leased = Boolean(config.mongo || (config.kafka && kafkaLeased));
  const leaseMode = options.lease ?? (gateway.store.mode === 'server' ? 'clickhouse' : 'process');
  const keeper =
    leased && leaseMode === 'clickhouse'
      ? new LeaseKeeper(
          new Lease(gateway.store, 'ingest', options.leaseOwner ?? processOwner(), { ttlMs }),
          { acquired: startLeased, released: stopLeased },
          { roundMs: Math.floor(ttlMs / 3), logger: logger.child({ component: 'ingest-lease' }) },
        )
      : null;
  const sharedKafka = config.kafka && !kafkaLeased ? newKafka(config.kafka) : null;

  await sharedKafka?.start();
  try {
    if (keeper) await keeper.start();
    else if (leased) await startLeased();
  } catch (err) {
    await sharedKafka?.stop();
    throw err;
  }
  logger.info({ mongo: Boolean(config.mongo), kafka: Boolean(config.kafka), lease: keeper?.status ?? null }, 'ingesters started');

  // /readyz: each source this process runs connected and caught up within READY_MAX_LAG_SECONDS; a standby
  // replica (another holds the lease) is ready without them.
  const maxLagSeconds = config.operations?.readyMaxLagSeconds ?? 60;
  const standby = (name: string, check: () => ReadinessCheck | null): ReadinessCheck => ({
    name,
    async check() {
      const running = check();
      return running ? running.check() : { ok: true, detail: { standby: true, leaseHolder: keeper?.status.holder ?? null } };
    },
  });
  const removeChecks: Array<() => void> = [];
  if (gateway.readiness && config.mongo) {
    const mongoCheck = (m: MongoIngester) =>
      caughtUp(
        'mongo',
        () => {
          const status = m.status();
          return {
            connected: status.collections.every((c) => c.state === 'streaming' && c.connected),
            lagSeconds: status.lagMs === null ? null : status.lagMs / 1000,
          };
        },
        maxLagSeconds,
      );
    removeChecks.push(gateway.readiness.add(standby('mongo', () => (mongo ? mongoCheck(mongo) : null))));
  }
  if (gateway.readiness && config.kafka) {
    const kafkaCheck = (k: KafkaIngester) => caughtUp('kafka', () => k.status(), maxLagSeconds);
    removeChecks.push(gateway.readiness.add(standby('kafka', () => (sharedKafka ?? leasedKafka ? kafkaCheck((sharedKafka ?? leasedKafka)!) : null))));
  }

  let stopping: Promise<void> | null = null;
  return {
    async ready() {
      await mongo?.whenStreaming();
    },
    status() {
      const kafka = sharedKafka ?? leasedKafka;
      return {
        ...(mongo ? { mongo: mongo.status() } : {}),
        ...(kafka ? { kafka: kafka.status() } : {}),
        ...(keeper ? { lease: keeper.status } : {}),
      };
    },
    stop() {
      stopping ??= (async () => {
        for (const remove of removeChecks) remove();
        await Promise.all([keeper ? keeper.stop() : stopLeased(), sharedKafka?.stop()]);
        logger.info('ingesters stopped');
      })();
      return stopping;
    },
  };
}
