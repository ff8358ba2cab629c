import type { LoaderFactory, Loaders } from '../loaders';
import { pullStream, SubscriberRegistry, takePending } from './pull';

/**
 * One push of a customer's profile: the customer, and the loaders of the commit that touched them. Every
 * subscriber of every customer that commit touched resolves its push through these same loaders (one
 * DataLoader over profileBatch), so a thousand subscribers of one customer cost one read, and a commit that
 * touched many watched customers costs one query for all of them. Loaders hold no role: each subscriber's
 * fields are still authorised for its own credential.
 */
export interface ProfilePush {
  customerId: string;
  loaders: Loaders;
}

interface Subscriber {
  /** Only the newest push waits: a profile is a state, so a slow client skips to the latest one. */
  pending: ProfilePush | null;
  wake: (() => void) | null;
  closed: boolean;
}

/**
 * Live profiles for `customerProfile` subscribers: fed by the ingest sink's commits (IngestSink.onCommit, once
 * the commit is visible to queries) with the customers each touched, and ended for a customer once they are
 * erased.
 */
export class ProfileFeed {
  private readonly subscribers = new SubscriberRegistry<Subscriber>();

  constructor(private readonly loaders: LoaderFactory) {}

  subscriberCount(): number {
    return this.subscribers.size;
  }

  /** A commit touched `customers`: each of their subscribers gets a push, all through one set of loaders. */
  committed(customers: Iterable<string>): void {
    if (this.subscribers.size === 0) return;
    let scope: Loaders | null = null;
    for (const customerId of customers) {
      let push: ProfilePush | null = null;
      for (const s of this.subscribers.of(customerId)) {
        scope ??= this.loaders.create();
        push ??= { customerId, loaders: scope };
        s.pending = push;
        s.wake?.();
      }
    }
  }

  /** The customer was erased: their subscriptions complete (nothing is left to push). */
  erased(customerId: string): void {
    for (const s of this.subscribers.of(customerId)) {
      s.closed = true;
      s.pending = null;
      s.wake?.();
    }
  }

  subscribe(customerId: string): AsyncGenerator<ProfilePush, void, undefined> {
    const subscriber: Subscriber = { pending: null, wake: null, closed: false };
    // Registered now, not at the first next(): no commit after subscribe() returns is missed.
    const unregister = this.subscribers.add(customerId, subscriber);
    return pullStream(subscriber, takePending(subscriber), unregister);
  }
}
