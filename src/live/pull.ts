/** A subscriber's side of a push: what a bus holds for it, and how it wakes it. */
export interface Pullable {
  /** Set by the stream while it waits for a value; the bus calls it after handing one over. */
  wake: (() => void) | null;
  /** Set once the stream has been returned: it yields nothing more. */
  closed: boolean;
}

/**
 * The async generator a subscription iterates: it yields what `take()` hands over (undefined: nothing yet) and
 * waits for `wake` in between, until it is returned or `ended()` says the source is done (what was handed over
 * before is still yielded). `unregister` runs once the stream ends, however it ends.
 *
 * A generator's `finally` runs only once it has started, and a `return()` that arrives while a `next()` waits is
 * queued behind that `next()`. So `return()` itself marks the subscriber closed, unregisters it and wakes the
 * waiting `next()`: a subscription cancelled before its first value, or while it waits, leaves nothing behind.
 */
export function pullStream<T>(subscriber: Pullable, take: () => T | undefined, unregister: () => void, ended: () => boolean = () => false): AsyncGenerator<T, void, undefined> {
  async function* iterate(): AsyncGenerator<T, void, undefined> {
    try {
      while (!subscriber.closed) {
        const next = take();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (ended()) return;
        await new Promise<void>((resolve) => (subscriber.wake = resolve));
        subscriber.wake = null;
      }
    } finally {
      unregister();
    }
  }
  const generator = iterate();
  const originalReturn = generator.return.bind(generator);
  generator.return = (value) => {
    subscriber.closed = true;
    unregister();
    subscriber.wake?.();
    return originalReturn(value);
  };
  return generator;
}

/** `take` for a subscriber that keeps only the newest value (`pending`). */
export function takePending<T>(holder: { pending: T | null }): () => T | undefined {
  return () => {
    const next = holder.pending;
    holder.pending = null;
    return next ?? undefined;
  };
}

/** Subscribers by key (a customer id), with their count; empty keys are dropped. */
export class SubscriberRegistry<S> {
  private readonly byKey = new Map<string, Set<S>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The subscribers of `key` (none: an empty iterable). */
  of(key: string): Iterable<S> {
    return this.byKey.get(key) ?? [];
  }

  /** Registers `subscriber` under `key`; returns its unregister, which may run more than once. */
  add(key: string, subscriber: S): () => void {
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(subscriber);
    this.count++;
    return () => {
      const current = this.byKey.get(key);
      if (current?.delete(subscriber)) {
        this.count--;
        if (current.size === 0) this.byKey.delete(key);
      }
    };
  }
}

