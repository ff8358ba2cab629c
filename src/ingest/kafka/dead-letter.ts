import type { KafkaMessage, Message, Producer } from 'kafkajs';

/**
 * Headers a dead-lettered message carries. The key and value stay exactly as they arrived, so
 * the message can be fixed and produced to its topic again (unless `truncated` says the value was cut
 * to fit the broker's message size; the record in rejected_records keeps its start too).
 */
export const DEAD_LETTER_HEADERS = {
  reason: 'dead-letter.reason',
  topic: 'dead-letter.topic',
  partition: 'dead-letter.partition',
  offset: 'dead-letter.offset',
  at: 'dead-letter.at',
  truncated: 'dead-letter.truncated',
} as const;

export interface Rejected {
  message: KafkaMessage;
  reason: string;
}

/**
 * Bytes of message values per produce request, and per message. A broker refuses a request over its
 * message.max.bytes (1 MiB by default): bad messages, large ones included, must never be held back by that.
 */
const REQUEST_BYTES = 512 * 1024;
const MESSAGE_BYTES = 900 * 1024;

/** Sets bad messages aside on the dead-letter topic; resolves once the broker has them. */
export class DeadLetterTopic {
  constructor(
    private readonly producer: Producer,
    readonly topic: string,
  ) {}

  async send(sourceTopic: string, partition: number, rejected: readonly Rejected[]): Promise<void> {
    if (rejected.length === 0) return;
    const at = new Date().toISOString();
    let request: Message[] = [];
    let bytes = 0;
    for (const { message, reason } of rejected) {
      const truncated = (message.value?.length ?? 0) > MESSAGE_BYTES;
      const value = truncated ? message.value!.subarray(0, MESSAGE_BYTES) : message.value;
      const size = (value?.length ?? 0) + (message.key?.length ?? 0) + reason.length;
      if (request.length > 0 && bytes + size > REQUEST_BYTES) {
        await this.produce(request);
        request = [];
        bytes = 0;
      }
      request.push({
        key: message.key,
        value,
        timestamp: message.timestamp,
        headers: {
          ...message.headers,
          [DEAD_LETTER_HEADERS.reason]: reason,
          [DEAD_LETTER_HEADERS.topic]: sourceTopic,
          [DEAD_LETTER_HEADERS.partition]: String(partition),
          [DEAD_LETTER_HEADERS.offset]: message.offset,
          [DEAD_LETTER_HEADERS.at]: at,
          ...(truncated ? { [DEAD_LETTER_HEADERS.truncated]: String(message.value!.length) } : {}),
        },
      });
      bytes += size;
    }
    await this.produce(request);
  }

  private async produce(messages: Message[]): Promise<void> {
    if (messages.length > 0) await this.producer.send({ topic: this.topic, acks: -1, messages });
  }
}
