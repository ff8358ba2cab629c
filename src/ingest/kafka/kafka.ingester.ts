import type { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer, TopicPartitionOffsetAndMetadata } from 'kafkajs';
import type { KafkaConfig } from '../../config';
import type { Logger } from '../../logger';
import { deadLetters, ingestedEvents, ingestLagSeconds } from '../../observability/metrics';
import type { IngestRecord, Origin } from '../records';
import type { IngestSink } from '../sink';
import { createKafka, createProducer, ensureTopics } from './client';
import { DeadLetterTopic } from './dead-letter';
import { parseEmail } from './email.message';
import { parseWeblog } from './weblog.message';

export interface KafkaIngesterOptions {
  /** Batches handed to the sink whose offsets are not committed yet, before fetching waits. Default 8. */
  maxInFlight?: number;
  /** Bytes fetched per partition per request. Default 4 MiB. */
  maxBytesPerPartition?: number;
}

export interface KafkaTopicCounts {
  consumed: number;
  ingested: number;
  deadLettered: number;
}

export interface KafkaIngestStatus {
  /** The consumer has joined its group and is fetching. */
  connected: boolean;
  /** Messages behind the end of the partitions, as of each partition's last fetch. */
  lag: number;
  /** Age of the oldest message not yet consumed where a partition is behind, else 0 (approximate: by message timestamps). */
  lagSeconds: number;
  partitions: Array<{ topic: string; partition: number; lag: number; lagSeconds: number; committed: string | null }>;
  topics: Record<string, KafkaTopicCounts>;
}

type Source = 'weblogs' | 'emails';

/**
 * A marketing email message's place among the messages for the same email, compared as a string: the
 * broker timestamp first, then the partition and the offset. A later message replaces an earlier one
 * whatever partition either came on (docs/ingestion.md); within a partition, the offset breaks a tie.
 */
export function emailSeq(message: Pick<KafkaMessage, 'timestamp' | 'offset'>, partition: number): string {
  const ms = Math.max(0, Number(message.timestamp) || 0);
  return `${String(ms).padStart(15, '0')}/${String(partition).padStart(6, '0')}/${message.offset.padStart(20, '0')}`;
}

/**
 * A consumer group over the `weblogs` and `marketing_emails` topics. Each message is checked
 * against its SPEC shape: good ones go through the sink, bad ones to the dead-letter topic with
 * their reason. A partition's offset is committed only once the sink has committed every message
 * up to it (and the dead-letter topic has the bad ones): delivery is at least once, and the tables
 * collapse a message delivered twice into one row.
 */
export class KafkaIngester {
  private readonly kafka: Kafka;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly deadLetter: DeadLetterTopic;
  private readonly options: Required<KafkaIngesterOptions>;
  private readonly counts: Record<Source, KafkaTopicCounts> = {
    weblogs: { consumed: 0, ingested: 0, deadLettered: 0 },
    emails: { consumed: 0, ingested: 0, deadLettered: 0 },
  };
  private readonly lag = new Map<string, { topic: string; partition: number; lag: number; lastTimestamp: number }>();
  private readonly committed = new Map<string, string>();
  /** Offsets whose messages are all committed to ClickHouse, waiting to be committed to Kafka. */
  private readonly committable = new Map<string, TopicPartitionOffsetAndMetadata>();
  private readonly inFlight = new Set<Promise<void>>();
  private committing: Promise<void> | null = null;
  private commitAgain = false;
  private connected = false;
  private draining = false;
  private started = false;
  private joinedOnce!: Promise<void>;

  constructor(
    private readonly config: KafkaConfig,
    private readonly sink: IngestSink,
    private readonly logger: Logger,
    options: KafkaIngesterOptions = {},
  ) {
    this.options = {
      maxInFlight: options.maxInFlight ?? 8,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
    };
    this.kafka = createKafka(config, logger);
    this.consumer = this.kafka.consumer({
      groupId: config.groupId,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(config.sessionTimeoutMs / 3)),
      maxBytesPerPartition: this.options.maxBytesPerPartition,
      maxBytes: this.options.maxBytesPerPartition * 8,
      // Only bounds how long an idle fetch waits (and so how long stopping takes); data returns at once.
      maxWaitTimeInMs: 500,
    });
    this.producer = createProducer(this.kafka);
    this.deadLetter = new DeadLetterTopic(this.producer, config.topics.deadLetter);
  }

  /** Connects, joins the group and starts consuming; resolves once the group is joined. */
  async start(): Promise<void> {
    const { topics } = this.config;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [topics.weblogs, topics.emails, topics.deadLetter], this.logger);
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();

    this.joinedOnce = new Promise((resolve) => {
      this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
        this.connected = true;
        this.logger.info({ groupId: payload.groupId, memberId: payload.memberId, assigned: payload.memberAssignment }, 'Kafka consumer joined its group');
        resolve();
      });
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.connected = false;
      this.logger.error({ err: payload.error, restart: payload.restart }, 'Kafka consumer crashed');
    });
    this.consumer.on(this.consumer.events.DISCONNECT, () => {
      this.connected = false;
    });
    this.consumer.on(this.consumer.events.REBALANCING, () => {
      this.connected = false;
    });

    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topics.weblogs, topics.emails], fromBeginning: this.config.fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 2,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.started = true;
    await this.joinedOnce;
  }

  /**
   * Stops fetching, waits until everything handed to the sink is committed and its offsets are
   * committed to Kafka, then leaves the group. Messages fetched but not handed over are fetched
   * again by whoever owns the partition next.
   */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.draining = true;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await this.commitOffsets();
    await this.consumer.disconnect();
    await this.producer.disconnect();
    this.connected = false;
    this.logger.info({ topics: this.counts }, 'Kafka ingester stopped');
  }

  status(): KafkaIngestStatus {
    const now = Date.now();
    const partitions = [...this.lag.entries()].map(([key, { topic, partition, lag, lastTimestamp }]) => ({
      topic,
      partition,
      lag,
      // A partition behind is at least as far behind as the newest message it has consumed.
      lagSeconds: lag > 0 ? Math.max(0, Math.round((now - lastTimestamp) / 1000)) : 0,
      committed: this.committed.get(key) ?? null,
    }));
    return {
      connected: this.connected,
      lag: partitions.reduce((sum, p) => sum + p.lag, 0),
      lagSeconds: partitions.reduce((max, p) => Math.max(max, p.lagSeconds), 0),
      partitions,
      topics: { [this.config.topics.weblogs]: { ...this.counts.weblogs }, [this.config.topics.emails]: { ...this.counts.emails } },
    };
  }

  private async onBatch({ batch, resolveOffset, heartbeat, pause, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (this.draining) {
      pause();
      return;
    }
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    const source: Source = topic === this.config.topics.weblogs ? 'weblogs' : 'emails';
    const { records, messages } = this.parse(source, batch);
    const counts = this.counts[source];
    counts.consumed += batch.messages.length;

    const last = batch.messages[batch.messages.length - 1]!.offset;
    const next = (BigInt(last) + 1n).toString();
    // Bad messages go through the sink too: it stores them in rejected_records with the good ones, and the
    // hook puts them on the dead-letter topic before the batch counts as committed.
    const deadLetter = async (setAside: ReadonlyArray<{ record: IngestRecord; reason: string }>) => {
      const rejected = setAside.map(({ record, reason }) => ({ message: messages.get(record)!, reason }));
      await this.deadLetter.send(topic, partition, rejected);
      counts.deadLettered += rejected.length;
      deadLetters.inc({ topic }, rejected.length);
      this.logger.warn(
        { topic, partition, count: rejected.length, firstOffset: rejected[0]!.message.offset, firstReason: rejected[0]!.reason, deadLetterTopic: this.deadLetter.topic },
        'bad messages set aside on the dead-letter topic',
      );
    };
    const written = this.sink.write(records, undefined, deadLetter);
    resolveOffset(last);
    const key = `${topic}/${partition}`;
    this.lag.set(key, { topic, partition, lag: Number(batch.offsetLag()), lastTimestamp: Number(batch.messages[batch.messages.length - 1]!.timestamp) });
    ingestLagSeconds.set({ source: topic }, this.status().lagSeconds);

    const good = records.filter((r) => r.kind !== 'rejected').length;
    const done = written.then(
      () => {
        counts.ingested += good;
        ingestedEvents.inc({ source: topic }, good);
        const previous = this.committable.get(key);
        if (!previous || BigInt(previous.offset) < BigInt(next)) this.committable.set(key, { topic, partition, offset: next });
        return this.commitOffsets();
      },
      (err: unknown) => {
        // The sink gives up only while closing; the messages will be delivered again.
        this.logger.warn({ err, topic, partition, offset: last }, 'records not committed to ClickHouse; their offsets stay uncommitted');
      },
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    await heartbeat();
    // Back-pressure: fetch on only while ClickHouse keeps up.
    while (this.inFlight.size >= this.options.maxInFlight) await Promise.race(this.inFlight);
  }

  /** Every message of the batch as a record, in order: a bad one as a rejected record with its reason. */
  private parse(source: Source, batch: Batch): { records: IngestRecord[]; messages: Map<IngestRecord, KafkaMessage> } {
    const records: IngestRecord[] = [];
    const messages = new Map<IngestRecord, KafkaMessage>();
    for (const message of batch.messages) {
      const origin: Origin = {
        source: `kafka:${batch.topic}`,
        key: `${batch.partition}/${message.offset}`,
        customerId: message.key?.toString() ?? null,
        document: message.value?.toString() ?? '',
      };
      let record: IngestRecord;
      if (source === 'weblogs') {
        const parsed = parseWeblog(message.value);
        record = parsed.ok ? { kind: 'weblog', row: parsed.value, origin } : { kind: 'rejected', origin, reason: parsed.reason };
      } else {
        const parsed = parseEmail(message.value);
        record = parsed.ok
          ? { kind: 'email', row: { ...parsed.value, seq: emailSeq(message, batch.partition) }, origin }
          : { kind: 'rejected', origin, reason: parsed.reason };
      }
      records.push(record);
      messages.set(record, message);
    }
    return { records, messages };
  }

  /** Commits every committable offset; calls that arrive meanwhile are folded into one more round. */
  private commitOffsets(): Promise<void> {
    if (this.committing) {
      this.commitAgain = true;
      return this.committing;
    }
    this.committing = (async () => {
      do {
        this.commitAgain = false;
        const offsets = [...this.committable.values()];
        this.committable.clear();
        if (offsets.length === 0) continue;
        try {
          await this.consumer.commitOffsets(offsets);
          for (const o of offsets) this.committed.set(`${o.topic}/${o.partition}`, o.offset);
        } catch (err) {
          // After a rebalance the new owner of the partition reads these messages again.
          this.logger.warn({ err, offsets }, 'Kafka offset commit failed; the messages will be delivered again');
        }
      } while (this.commitAgain || this.committable.size > 0);
    })().finally(() => {
      this.committing = null;
    });
    return this.committing;
  }
}
