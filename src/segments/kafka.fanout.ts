import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { KafkaConfig } from '../config';
import { createKafka, createProducer, ensureTopics } from '../ingest/kafka/client';
import type { Logger } from '../logger';
import type { SegmentChange } from './evaluate';

const ORIGIN_HEADER = 'origin';
/** Changes per Kafka message: one message carries a whole round, in order. */
const CHANGES_PER_MESSAGE = 1_000;

type WireChange = Omit<SegmentChange, 'at'> & { at: string };

/**
 * Segment changes for every replica (ACTIVITY_FANOUT=kafka), as KafkaActivityBus does for activity: the replica
 * whose sink committed the data evaluates it and delivers the changes to its own subscribers at once, and
 * publishes them to KAFKA_TOPIC_SEGMENT_CHANGES; every other replica reads that topic (its own consumer group,
 * from the end as it was at start) and delivers them to its subscribers through `deliver`.
 */
export class KafkaSegmentFanout {
  private readonly instanceId = randomUUID();
  private readonly groupId: string;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly consumer: Consumer;
  private readonly sending = new Set<Promise<void>>();
  private failedSends = 0;

  constructor(
    private readonly config: KafkaConfig,
    private readonly deliver: (changes: SegmentChange[]) => void,
    private readonly logger: Logger,
  ) {
    this.kafka = createKafka(config, logger);
    this.groupId = `${config.groupId}.segments.${this.instanceId}`;
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
    const topic = this.config.topics.segmentChanges;
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
    for (const { partition, high } of ends) this.consumer.seek({ topic, partition, offset: high });
    await joined;
    this.logger.info({ topic, groupId: this.groupId }, 'segment changes fan-out over Kafka ready');
  }

  /** Sends this replica's changes to the others; a failed send costs their subscribers those changes, nothing else. */
  publish(changes: readonly SegmentChange[]): void {
    if (changes.length === 0) return;
    const messages = [];
    for (let i = 0; i < changes.length; i += CHANGES_PER_MESSAGE) {
      const wire: WireChange[] = changes.slice(i, i + CHANGES_PER_MESSAGE).map((c) => ({ ...c, at: c.at.toISOString() }));
      messages.push({ key: this.instanceId, value: JSON.stringify(wire), headers: { [ORIGIN_HEADER]: this.instanceId } });
    }
    const sent = this.producer
      .send({ topic: this.config.topics.segmentChanges, messages })
      .then(() => undefined)
      .catch((err: unknown) => {
        if (this.failedSends++ % 100 === 0) this.logger.warn({ err, changes: changes.length, failedSends: this.failedSends }, 'segment changes not published to Kafka');
      });
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.sending]);
    await this.consumer.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch (err) {
      this.logger.debug({ err, groupId: this.groupId }, 'could not delete the segment changes consumer group');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async receive({ batch, resolveOffset }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      resolveOffset(message.offset);
      if (message.headers?.[ORIGIN_HEADER]?.toString() === this.instanceId || !message.value) continue;
      try {
        const wire = JSON.parse(message.value.toString()) as WireChange[];
        this.deliver(wire.map((c) => ({ ...c, at: new Date(c.at) })));
      } catch (err) {
        this.logger.warn({ err, offset: message.offset, partition: batch.partition }, 'unreadable segment changes message skipped');
      }
    }
  }
}
