import type { Config } from '../config';
import type { Gateway } from '../gateway';
import type { Logger } from '../logger';
import { caughtUp } from '../observability/readiness';
import { KafkaIngester, type KafkaIngesterOptions, type KafkaIngestStatus } from './kafka/kafka.ingester';
import { MongoIngester, type MongoIngesterOptions, type MongoIngestStatus } from './mongo/mongo.ingester';

export interface IngestStatus {
  mongo?: MongoIngestStatus;
  kafka?: KafkaIngestStatus;
}

export interface Ingesters {
  /** Resolves once every configured source is consuming (MongoDB: after its snapshot). */
  ready(): Promise<void>;
  /** Connected and lag per source, for health checks. */
  status(): IngestStatus;
  /** Stops reading; resolves once what was read is committed (offsets, resume tokens) and clients are closed. */
  stop(): Promise<void>;
}

export interface IngestOptions {
  mongo?: MongoIngesterOptions;
  kafka?: KafkaIngesterOptions;
}

/**
 * Starts the ingesters of the configured sources (MongoDB when MONGO_URL is set, Kafka when
 * KAFKA_BROKERS is set), writing through the gateway's sink. Call stop() before the gateway
 * closes: the sink must still be open to take the last batches.
 */
export async function startIngesters(
  config: Pick<Config, 'mongo' | 'kafka'> & Partial<Pick<Config, 'operations'>>,
  gateway: Pick<Gateway, 'sink' | 'store'> & Partial<Pick<Gateway, 'readiness'>>,
  logger: Logger,
  options: IngestOptions = {},
): Promise<Ingesters> {
  const mongo = config.mongo
    ? new MongoIngester(config.mongo, gateway.sink, gateway.store, logger.child({ component: 'mongo-ingester' }), options.mongo)
    : null;
  const kafka = config.kafka ? new KafkaIngester(config.kafka, gateway.sink, logger.child({ component: 'kafka-ingester' }), options.kafka) : null;

  // MongoDB feeds retry on their own in the background; a Kafka client that cannot start is an error.
  mongo?.start();
  const kafkaStarted = kafka?.start();
  try {
    await kafkaStarted;
  } catch (err) {
    await mongo?.stop();
    throw err;
  }
  logger.info({ mongo: Boolean(mongo), kafka: Boolean(kafka) }, 'ingesters started');

  // /readyz: each source connected and caught up within READY_MAX_LAG_SECONDS.
  const maxLagSeconds = config.operations?.readyMaxLagSeconds ?? 60;
  const removeChecks: Array<() => void> = [];
  if (gateway.readiness && mongo) {
    const streaming = () => mongo.status().collections.every((c) => c.state === 'streaming' && c.connected);
    const lagSeconds = () => {
      const lagMs = mongo.status().lagMs;
      return lagMs === null ? null : lagMs / 1000;
    };
    removeChecks.push(gateway.readiness.add(caughtUp('mongo', () => ({ connected: streaming(), lagSeconds: lagSeconds() }), maxLagSeconds)));
  }
  if (gateway.readiness && kafka) {
    removeChecks.push(gateway.readiness.add(caughtUp('kafka', () => kafka.status(), maxLagSeconds)));
  }

  let stopping: Promise<void> | null = null;
  return {
    async ready() {
      await mongo?.whenStreaming();
    },
    status() {
      return { ...(mongo ? { mongo: mongo.status() } : {}), ...(kafka ? { kafka: kafka.status() } : {}) };
    },
    stop() {
      stopping ??= (async () => {
        for (const remove of removeChecks) remove();
        await Promise.all([mongo?.stop(), kafka?.stop()]);
        logger.info('ingesters stopped');
      })();
      return stopping;
    },
  };
}
