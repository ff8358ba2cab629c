import type { SegmentChange } from './evaluate';
import { pullStream } from '../live/pull';

/** What a `segmentChanges` subscription asks for: one segment, one customer, both, or neither (everything). */
export interface SegmentChangeFilter {
  segment: string | null;
  customerId: string | null;
}

/** Changes a slow subscriber may have waiting before the oldest are dropped. */
const MAX_QUEUED = 10_000;

interface Subscriber {
  filter: SegmentChangeFilter;
  queue: SegmentChange[];
  wake: (() => void) | null;
  closed: boolean;
}

/**
 * Delivers segment entries and exits, once stored, to the `segmentChanges` subscribers of this gateway. Published
 * by the segment engine after each evaluation round's membership rows are written.
 */
export class SegmentChangeBus {
  private readonly subscribers = new Set<Subscriber>();

  publish(changes: readonly SegmentChange[]): void {
    if (this.subscribers.size === 0 || changes.length === 0) return;
    for (const s of this.subscribers) {
      const { segment, customerId } = s.filter;
      let added = false;
      for (const change of changes) {
        if ((segment !== null && change.segment !== segment) || (customerId !== null && change.customerId !== customerId)) continue;
        s.queue.push(change);
        added = true;
      }
      if (s.queue.length > MAX_QUEUED) s.queue.splice(0, s.queue.length - MAX_QUEUED);
      if (added) s.wake?.();
    }
  }

  subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Registered at once: nothing published after this returns is missed. */
  subscribe(filter: SegmentChangeFilter): AsyncGenerator<SegmentChange, void, undefined> {
    const subscriber: Subscriber = { filter, queue: [], wake: null, closed: false };
    this.subscribers.add(subscriber);
    const unregister = () => this.subscribers.delete(subscriber);
    return pullStream(subscriber, () => subscriber.queue.shift(), unregister);
  }
}
