import type { ActivityEvent, ActivityType } from './activity';
import { pullStream, SubscriberRegistry } from '../live/pull';

/**
 * Delivers committed activity to `customerActivity` subscribers. The in-process bus serves one
 * gateway; a bus that fans out across replicas implements the same interface.
 */
export interface ActivityBus {
  publish(events: readonly ActivityEvent[]): void;
  subscribe(customerId: string, types?: readonly ActivityType[] | null): AsyncGenerator<ActivityEvent, void, undefined>;
  subscriberCount(): number;
  /** Releases what the bus holds (a broker connection); the in-process bus holds nothing. */
  close?(): Promise<void>;
}

/** Events a slow subscriber may have waiting before the oldest are dropped. */
const MAX_QUEUED = 1_000;

interface Subscriber {
  types: ReadonlySet<ActivityType> | null;
  queue: ActivityEvent[];
  wake: (() => void) | null;
  dropped: number;
  /** Set by return(): a next() waiting for events must end instead of waiting forever. */
  closed: boolean;
}

export class InProcessActivityBus implements ActivityBus {
  private readonly subscribers = new SubscriberRegistry<Subscriber>();

  publish(events: readonly ActivityEvent[]): void {
    if (this.subscribers.size === 0) return;
    for (const event of events) {
      for (const s of this.subscribers.of(event.customerId)) {
        if (s.types && !s.types.has(event.type)) continue;
        s.queue.push(event);
        if (s.queue.length > MAX_QUEUED) {
          s.queue.shift();
          s.dropped++;
        }
        s.wake?.();
      }
    }
  }

  subscriberCount(): number {
    return this.subscribers.size;
  }

  subscribe(customerId: string, types?: readonly ActivityType[] | null): AsyncGenerator<ActivityEvent, void, undefined> {
    const subscriber: Subscriber = { types: types ? new Set(types) : null, queue: [], wake: null, dropped: 0, closed: false };
    // Registered now, not at the first next(): nothing published after subscribe() returns is missed.
    const unregister = this.subscribers.add(customerId, subscriber);
    return pullStream(subscriber, () => subscriber.queue.shift(), unregister);
  }
}
