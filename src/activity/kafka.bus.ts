import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { KafkaConfig } from '../config';
import { createKafka, createProducer, ensureTopics } from '../ingest/kafka/client';
import type { Logger } from '../logger';
import type { ActivityEvent, ActivityType } from './activity';
import { InProcessActivityBus, type ActivityBus } from './bus';

/** Events per Kafka message: one message carries a whole committed batch, in order. */
const EVENTS_PER_MESSAGE = 1_000;
const ORIGIN_HEADER = 'origin';

/** An ActivityEvent as JSON: the date as ISO-8601. */
type WireEvent = Omit<ActivityEvent, 'at'> & { at: string };

/**
 * Activity for every replica. The process that ingests publishes each committed batch of
 * ActivityEvents to a Kafka topic and delivers it to its own subscribers at once; every other
 * replica reads the topic (its own consumer group, from the end) and delivers to its subscribers.
 * A publisher's messages share one key, so they stay in one partition and in order.
 */
export class KafkaActivityBus implements ActivityBus {
  private readonly local = new InProcessActivityBus();
  private readonly instanceId = randomUUID();
  private readonly groupId: string;
  private readonly producer: Producer;
  private readonly consumer: Consumer;
  private readonly kafka: Kafka;
  private readonly sending = new Set<Promise<void>>();
  private failedSends = 0;

  constructor(
    private readonly config: KafkaConfig,
    private readonly logger: Logger,
  ) {
    this.kafka = createKafka(config, logger);
    this.groupId = `${config.groupId}.activity.${this.instanceId}`;
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
    const topic = this.config.topics.activity;
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
    await this.consumer.run({ autoCommit: false, eachBatch: (payload) => this.deliver(payload) });
    // From the end as it was before joining, so nothing published while the group forms is missed.
    for (const { partition, high } of ends) this.consumer.seek({ topic, partition, offset: high });
    await joined;
    this.logger.info({ topic, groupId: this.groupId }, 'activity fan-out over Kafka ready');
  }

  publish(events: readonly ActivityEvent[]): void {
    if (events.length === 0) return;
    this.local.publish(events);
    const messages = [];
    for (let i = 0; i < events.length; i += EVENTS_PER_MESSAGE) {
      const wire: WireEvent[] = events.slice(i, i + EVENTS_PER_MESSAGE).map((e) => ({ ...e, at: e.at.toISOString() }));
      messages.push({ key: this.instanceId, value: JSON.stringify(wire), headers: { [ORIGIN_HEADER]: this.instanceId } });
    }
    const sent = this.producer
      .send({ topic: this.config.topics.activity, messages })
      .then(() => undefined)
      .catch((err: unknown) => {
        // Subscribers on other replicas miss these events; the data itself is committed.
        if (this.failedSends++ % 100 === 0) this.logger.warn({ err, events: events.length, failedSends: this.failedSends }, 'activity not published to Kafka');
      });
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }

  subscribe(customerId: string, types?: readonly ActivityType[] | null): AsyncGenerator<ActivityEvent, void, undefined> {
    return this.local.subscribe(customerId, types);
  }

  subscriberCount(): number {
    return this.local.subscriberCount();
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
      this.logger.debug({ err, groupId: this.groupId }, 'could not delete the activity consumer group');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async deliver({ batch, resolveOffset }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      resolveOffset(message.offset);
      if (message.headers?.[ORIGIN_HEADER]?.toString() === this.instanceId || !message.value) continue;
      try {
        const wire = JSON.parse(message.value.toString()) as WireEvent[];
        this.local.publish(wire.map((e) => ({ ...e, at: new Date(e.at) })));
      } catch (err) {
        this.logger.warn({ err, offset: message.offset, partition: batch.partition }, 'unreadable activity message skipped');
      }
    }
  }
}

/** The bus the configuration asks for: in-process, or fanned out across replicas over Kafka. */
export async function createActivityBus(config: { activity: { fanout: 'local' | 'kafka' }; kafka?: KafkaConfig }, logger: Logger): Promise<ActivityBus> {
  if (config.activity.fanout === 'kafka' && config.kafka) {
    const bus = new KafkaActivityBus(config.kafka, logger);
    await bus.start();
    return bus;
  }
  return new InProcessActivityBus();
}
