import { Kafka, logLevel, Partitioners, type Admin, type logCreator, type Producer, type SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '../../config';
import type { Logger } from '../../logger';

/**
 * A kafkajs client from the configuration (brokers, client id, TLS, SASL), logging through our
 * logger. kafkajs reports routine group and connection chatter at INFO; it lands at debug here.
 */
export function createKafka(config: KafkaConfig, logger: Logger): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: config.ssl,
    ...(config.sasl ? { sasl: config.sasl as SASLOptions } : {}),
    logLevel: logLevel.INFO,
    logCreator: kafkaLogCreator(logger.child({ client: 'kafkajs' })),
  });
}

/** A producer with kafkajs' default (Java-compatible) partitioner: messages with one key share a partition. */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
}

function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
      const fields = { namespace, ...extra };
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.debug(fields, message);
      else logger.trace(fields, message);
    };
}

/**
 * Creates the topics that do not exist yet (a broker may refuse to create topics on demand, and
 * a consumer cannot subscribe to a topic that is missing). Without the permission to create
 * topics this only warns: an operator may have created them already.
 */
export async function ensureTopics(admin: Admin, topics: readonly string[], logger: Logger): Promise<void> {
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({ topics: missing.map((topic) => ({ topic })), waitForLeaders: true });
    logger.info({ topics: missing }, 'created Kafka topics');
  } catch (err) {
    logger.warn({ err, topics }, 'could not check or create Kafka topics; assuming they exist');
  }
}
