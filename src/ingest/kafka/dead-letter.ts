import type { KafkaMessage, Producer } from 'kafkajs';

/**
 * Headers a dead-lettered message carries. The key and value stay exactly as they arrived, so
 * the message can be fixed and produced to its topic again.
 */
export const DEAD_LETTER_HEADERS = {
  reason: 'dead-letter.reason',
  topic: 'dead-letter.topic',
  partition: 'dead-letter.partition',
  offset: 'dead-letter.offset',
  at: 'dead-letter.at',
} as const;

export interface Rejected {
  message: KafkaMessage;
  reason: string;
}

/** Sets bad messages aside on the dead-letter topic; resolves once the broker has them. */
export class DeadLetterTopic {
  constructor(
    private readonly producer: Producer,
    readonly topic: string,
  ) {}

  async send(sourceTopic: string, partition: number, rejected: readonly Rejected[]): Promise<void> {
    if (rejected.length === 0) return;
    const at = new Date().toISOString();
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: rejected.map(({ message, reason }) => ({
        key: message.key,
        value: message.value,
        timestamp: message.timestamp,
        headers: {
          ...message.headers,
          [DEAD_LETTER_HEADERS.reason]: reason,
          [DEAD_LETTER_HEADERS.topic]: sourceTopic,
          [DEAD_LETTER_HEADERS.partition]: String(partition),
          [DEAD_LETTER_HEADERS.offset]: message.offset,
          [DEAD_LETTER_HEADERS.at]: at,
        },
      })),
    });
  }
}
