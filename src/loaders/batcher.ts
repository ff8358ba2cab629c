import { overloaded } from '../errors';

interface Waiting<K, V> {
  keys: readonly K[];
  resolve: (values: V[]) => void;
  reject: (error: unknown) => void;
  /** Aborts when the request that asked has gone (timed out, disconnected): nobody waits for its values. */
  signal: AbortSignal | undefined;
  settled: boolean;
  stopWatching: () => void;
}

export interface SharedBatcherOptions {
  /** Queries in flight at once. */
  maxInFlight: number;
  /** Most keys in one query. */
  maxKeys: number;
  /** Most keys waiting for a query; past it a load is refused at once with OVERLOADED. */
  maxQueuedKeys: number;
}

/** Why a load ends early: what its signal says, or a plain abort. */
const abortReason = (signal: AbortSignal): unknown => signal.reason ?? new Error('The request was aborted.');

/**
 * Batches loads across concurrent requests. Each request keeps its own DataLoader (its own cache,
 * nothing shared between requests or roles); their batches meet here. While a part's query is in
 * flight, the keys of every other request queue up and go out together in the next query, so under
 * load one query serves many requests, and an idle gateway adds no delay at all.
 *
 * The queue is bounded: past `maxQueuedKeys` keys waiting, a load is refused with OVERLOADED rather than
 * left to wait longer than any request may run. A load whose request has gone (its signal aborted) leaves
 * the queue at once, so no engine work is done for it; a query in flight is aborted (its `signal` passed
 * to `fetch`) once every request it serves has gone.
 */
export class SharedBatcher<K, V> {
  private queue: Array<Waiting<K, V>> = [];
  private queuedKeys = 0;
  private inFlight = 0;

  constructor(
    private readonly fetch: (keys: readonly K[], signal: AbortSignal) => Promise<V[]>,
    private readonly options: SharedBatcherOptions,
  ) {}

  load(keys: readonly K[], signal?: AbortSignal): Promise<V[]> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    // An empty queue always takes a load, however large: one request's keys never wait for themselves.
    if (this.queue.length > 0 && this.queuedKeys + keys.length > this.options.maxQueuedKeys) {
      return Promise.reject(overloaded(this.options.maxQueuedKeys));
    }
    return new Promise((resolve, reject) => {
      const waiting: Waiting<K, V> = { keys, resolve, reject, signal, settled: false, stopWatching: () => undefined };
      if (signal) {
        const onAbort = () => this.abandon(waiting);
        signal.addEventListener('abort', onAbort, { once: true });
        waiting.stopWatching = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(waiting);
      this.queuedKeys += keys.length;
      this.pump();
    });
  }

  /** Keys waiting for a query (not those in flight). */
  get waitingKeys(): number {
    return this.queuedKeys;
  }

  private abandon(waiting: Waiting<K, V>): void {
    const index = this.queue.indexOf(waiting);
    if (index >= 0) {
      this.queue.splice(index, 1);
      this.queuedKeys -= waiting.keys.length;
    }
    this.settle(waiting, () => waiting.reject(abortReason(waiting.signal!)));
  }

  private settle(waiting: Waiting<K, V>, how: () => void): void {
    if (waiting.settled) return;
    waiting.settled = true;
    waiting.stopWatching();
    how();
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const taken: Array<Waiting<K, V>> = [];
      let size = 0;
      while (this.queue.length > 0 && (taken.length === 0 || size + this.queue[0]!.keys.length <= this.options.maxKeys)) {
        const next = this.queue.shift()!;
        taken.push(next);
        size += next.keys.length;
      }
      this.queuedKeys -= size;
      this.inFlight++;
      const query = new AbortController();
      // Loads without a signal (ingest, maintenance) are never abandoned, so their query is never aborted.
      const stops = taken.map((t) => {
        const signal = t.signal;
        if (!signal) return () => undefined;
        const onAbort = () => {
          if (taken.every((w) => w.signal?.aborted)) query.abort(abortReason(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        return () => signal.removeEventListener('abort', onAbort);
      });
      this.fetch(
        taken.flatMap((t) => t.keys),
        query.signal,
      )
        .then((values) => {
          let offset = 0;
          for (const t of taken) {
            const slice = values.slice(offset, offset + t.keys.length);
            this.settle(t, () => t.resolve(slice));
            offset += t.keys.length;
          }
        })
        .catch((error: unknown) => {
          for (const t of taken) this.settle(t, () => t.reject(error));
        })
        .finally(() => {
          for (const stop of stops) stop();
          this.inFlight--;
          this.pump();
        });
    }
  }
}
