import { setImmediate as nextTurn } from 'node:timers/promises';

export interface ChangeQueueOptions<T> {
  /** The next event, or null when none is there yet. */
  read(): Promise<T | null>;
  /** Writes events in order; the next write waits for it. */
  write(events: T[]): Promise<void>;
  /** Events per write at most; the reader stops reading ahead at twice this many. */
  maxPerWrite: number;
  /** Pause after an empty answer that came back at once (servers without awaitData). */
  pollIdleMs: number;
  pause(ms: number): Promise<void>;
  stopping(): boolean;
  /** Events waiting, after each change. */
  onQueued?(queued: number): void;
}

/**
 * Reads a change stream ahead of writing it: one loop reads events into a queue while another writes
 * them in order, up to `maxPerWrite` at a time, so a burst of events goes out in few writes while the
 * next ones arrive. Ends when stopping, or when reading fails (rethrown once the queue is written).
 */
export async function followChanges<T>(initial: readonly T[], o: ChangeQueueOptions<T>): Promise<void> {
  const queue: T[] = [...initial];
  let readerDone = false;
  let readerError: unknown = null;
  let writerDone = false;
  // Closures set these, so they live in an object (TypeScript does not track closure writes to locals).
  const wake: { writer: (() => void) | null; reader: (() => void) | null } = { writer: null, reader: null };
  const highWater = o.maxPerWrite * 2;

  const reader = (async () => {
    try {
      while (!o.stopping() && !writerDone) {
        if (queue.length >= highWater) {
          await new Promise<void>((resolve) => (wake.reader = resolve));
          continue;
        }
        const asked = Date.now();
        const event = await o.read();
        if (event) {
          queue.push(event);
          o.onQueued?.(queue.length);
          wake.writer?.();
        } else if (Date.now() - asked < 5) {
          // The server answered an empty batch at once instead of waiting for changes.
          await o.pause(o.pollIdleMs);
        }
      }
    } catch (err) {
      if (!o.stopping() && !writerDone) readerError = err;
    } finally {
      readerDone = true;
      wake.writer?.();
    }
  })();

  try {
    for (;;) {
      if (queue.length === 0) {
        if (readerDone) break;
        await new Promise<void>((resolve) => (wake.writer = resolve));
        wake.writer = null;
        continue;
      }
      // Let the reader move what the driver already holds into the queue.
      await nextTurn();
      const events = queue.splice(0, o.maxPerWrite);
      o.onQueued?.(queue.length);
      wake.reader?.();
      wake.reader = null;
      await o.write(events);
    }
  } finally {
    writerDone = true;
    wake.reader?.();
    await reader;
  }
  if (readerError) throw readerError;
}
