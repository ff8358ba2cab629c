import type { KafkaConfig } from '../config';
import { KafkaFanout } from '../live/kafka.fanout';
import type { Logger } from '../logger';
import type { ActivityEvent, ActivityType } from './activity';
import { InProcessActivityBus, type ActivityBus } from './bus';

/**
 * Activity for every replica. The process that ingests publishes each committed batch of ActivityEvents to a
 * Kafka topic (KAFKA_TOPIC_ACTIVITY) and delivers it to its own subscribers at once; every other replica reads
 * the topic and delivers it to its subscribers (KafkaFanout).
 */
export class KafkaActivityBus implements ActivityBus {
  private readonly local = new InProcessActivityBus();
  private readonly fanout: KafkaFanout<ActivityEvent>;

  constructor(config: KafkaConfig, logger: Logger) {
    this.fanout = new KafkaFanout(config, { topic: config.topics.activity, name: 'activity', deliver: (events) => this.local.publish(events) }, logger);
  }

  /** Resolves once this replica reads the topic: everything published from then on reaches its subscribers. */
  start(): Promise<void> {
    return this.fanout.start();
  }

  publish(events: readonly ActivityEvent[]): void {
    if (events.length === 0) return;
    this.local.publish(events);
    this.fanout.publish(events);
  }

  subscribe(customerId: string, types?: readonly ActivityType[] | null): AsyncGenerator<ActivityEvent, void, undefined> {
    return this.local.subscribe(customerId, types);
  }

  subscriberCount(): number {
    return this.local.subscriberCount();
  }

  close(): Promise<void> {
    return this.fanout.close();
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
