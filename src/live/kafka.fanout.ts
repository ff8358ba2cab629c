import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { KafkaConfig } from '../config';
import { createKafka, createProducer, ensureTopics } from '../ingest/kafka/client';
import type { Logger } from '../logger';

/** Items per Kafka message: one message carries a whole batch (a commit's events, a round's changes), in order. */
const ITEMS_PER_MESSAGE = 1_000;
const ORIGIN_HEADER = 'origin';

/** What travels: anything with a time, which goes as ISO-8601 in JSON. */
interface Timed {
  at: Date;
}
type Wire<T extends Timed> = Omit<T, 'at'> & { at: string };

export interface KafkaFanoutOptions<T> {
  topic: string;
  /** Names the consumer group (`<group>.<name>.<instance>`) and the log lines: "activity", "segment changes". */
  name: string;
  /** Hands what another replica published to this replica's subscribers. */
  deliver: (items: T[]) => void;
}

/**
 * What one replica publishes, delivered on every other replica (ACTIVITY_FANOUT=kafka). The replica that has
 * the items delivers them to its own subscribers itself, and publishes them to a topic; every other replica
 * reads the topic (its own consumer group, from the end as it was at start) and delivers them to its
 * subscribers. A publisher's messages share one key, so they stay in one partition and in order; a replica
 * skips its own messages by their origin header.
 */
export class KafkaFanout<T extends Timed> {
  private readonly instanceId = randomUUID();
  private readonly groupId: string;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly consumer: Consumer;
  private readonly sending = new Set<Promise<void>>();
  private failedSends = 0;

  constructor(
    config: KafkaConfig,
    private readonly options: KafkaFanoutOptions<T>,
    private readonly logger: Logger,
  ) {
    this.kafka = createKafka(config, logger);
    this.groupId = `${config.groupId}.${options.name.replace(/\s+/g, '-')}.${this.instanceId}`;
    this.producer = createProducer(this.kafka);
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(config.sessionTimeoutMs / 3)),
      maxWaitTimeInMs: 500,
    });
  }

  /** Resolves once this replica reads the topic: everything published from then on reaches its subscribers. */
  async start(): Promise<void> {
    const { topic } = this.options;
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: Array<{ partition: number; high: string }>;
    try {
      await ensureTopics(admin, [topic], this.logger);
      ends = await admin.fetchTopicOffsets(topic);
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
    const joined = new Promise<void>((resolve) => this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topic], fromBeginning: false });
    await this.consumer.run({ autoCommit: false, eachBatch: (payload) => this.receive(payload) });
    // From the end as it was before joining, so nothing published while the group forms is missed.
    for (const { partition, high } of ends) this.consumer.seek({ topic, partition, offset: high });
    await joined;
    this.logger.info({ topic, groupId: this.groupId }, `${this.options.name} fan-out over Kafka ready`);
  }

  /** Sends this replica's items to the others; a failed send costs their subscribers those items, nothing else. */
  publish(items: readonly T[]): void {
    if (items.length === 0) return;
    const messages = [];
    for (let i = 0; i < items.length; i += ITEMS_PER_MESSAGE) {
      const wire = items.slice(i, i + ITEMS_PER_MESSAGE).map((item) => ({ ...item, at: item.at.toISOString() }));
      messages.push({ key: this.instanceId, value: JSON.stringify(wire), headers: { [ORIGIN_HEADER]: this.instanceId } });
    }
    const sent = this.producer
      .send({ topic: this.options.topic, messages })
      .then(() => undefined)
      .catch((err: unknown) => {
        // The data itself is committed; only other replicas' subscribers miss these pushes.
        if (this.failedSends++ % 100 === 0) this.logger.warn({ err, items: items.length, failedSends: this.failedSends }, `${this.options.name} not published to Kafka`);
      });
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.sending]);
    await this.consumer.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    // The group was this replica's alone; leave nothing behind on the broker.
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch (err) {
      this.logger.debug({ err, groupId: this.groupId }, `could not delete the ${this.options.name} consumer group`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async receive({ batch, resolveOffset }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      resolveOffset(message.offset);
      if (message.headers?.[ORIGIN_HEADER]?.toString() === this.instanceId || !message.value) continue;
      try {
        const wire = JSON.parse(message.value.toString()) as Array<Wire<T>>;
        this.options.deliver(wire.map((item) => ({ ...item, at: new Date(item.at) }) as unknown as T));
      } catch (err) {
        this.logger.warn({ err, offset: message.offset, partition: batch.partition }, `unreadable ${this.options.name} message skipped`);
      }
    }
  }
}
