import { SharedBatcher } from '../../src/loaders/batcher';

// The shared batch queue, over a fetch the test answers by hand (the batching itself is pure logic).

interface Call {
  keys: readonly string[];
  signal: AbortSignal;
  answer(): void;
}

function batcher(maxQueuedKeys = 100) {
  const calls: Call[] = [];
  const shared = new SharedBatcher<string, string>(
    (keys, signal) =>
      new Promise((resolve) => {
        calls.push({ keys, signal, answer: () => resolve(keys.map((k) => `value of ${k}`)) });
      }),
    { maxInFlight: 1, maxKeys: 1_000, maxQueuedKeys },
  );
  return { shared, calls };
}

const flush = () => new Promise((r) => setImmediate(r));

test('keys that arrive while a query is in flight go out together in the next one', async () => {
  const { shared, calls } = batcher();
  const first = shared.load(['a']);
  const second = shared.load(['b']);
  const third = shared.load(['c', 'd']);
  expect(calls.map((c) => c.keys)).toEqual([['a']]);
  calls[0]!.answer();
  await expect(first).resolves.toEqual(['value of a']);
  await flush();
  expect(calls.map((c) => c.keys)).toEqual([['a'], ['b', 'c', 'd']]);
  calls[1]!.answer();
  await expect(second).resolves.toEqual(['value of b']);
  await expect(third).resolves.toEqual(['value of c', 'value of d']);
});

test('past maxQueuedKeys waiting, a load is refused at once with OVERLOADED', async () => {
  const { shared, calls } = batcher(3);
  const inFlight = shared.load(['a']);
  const waiting = shared.load(['b', 'c']);
  await expect(shared.load(['d', 'e'])).rejects.toMatchObject({ extensions: { code: 'OVERLOADED', retryAfterSec: 1 } });
  // Within the bound still waits; an empty queue takes any load.
  const fits = shared.load(['d']);
  expect(shared.waitingKeys).toBe(3);
  calls[0]!.answer();
  await inFlight;
  await flush();
  calls[1]!.answer();
  await expect(waiting).resolves.toHaveLength(2);
  await expect(fits).resolves.toEqual(['value of d']);
  const large = shared.load(['x', 'y', 'z', 'w']);
  await flush();
  calls[2]!.answer();
  await expect(large).resolves.toHaveLength(4);
});

test('a load whose request has gone leaves the queue: its keys are never fetched', async () => {
  const { shared, calls } = batcher();
  const inFlight = shared.load(['a']);
  const gone = new AbortController();
  const abandoned = shared.load(['b'], gone.signal);
  const kept = shared.load(['c']);
  gone.abort(new Error('timed out'));
  await expect(abandoned).rejects.toThrow('timed out');
  expect(shared.waitingKeys).toBe(1);
  calls[0]!.answer();
  await inFlight;
  await flush();
  expect(calls.map((c) => c.keys)).toEqual([['a'], ['c']]);
  calls[1]!.answer();
  await expect(kept).resolves.toEqual(['value of c']);
});

test('a query in flight is aborted once every request it serves has gone, not before', async () => {
  const { shared, calls } = batcher();
  const blocker = shared.load(['first']);
  const one = new AbortController();
  const two = new AbortController();
  const a = shared.load(['a'], one.signal);
  const b = shared.load(['b'], two.signal);
  calls[0]!.answer();
  await blocker;
  await flush();
  const query = calls[1]!;
  expect(query.keys).toEqual(['a', 'b']);
  one.abort(new Error('a timed out'));
  await expect(a).rejects.toThrow('a timed out');
  expect(query.signal.aborted).toBe(false);
  two.abort(new Error('b timed out'));
  await expect(b).rejects.toThrow('b timed out');
  expect(query.signal.aborted).toBe(true);
  // A load without a signal (ingest, maintenance) keeps its query alive.
  const c = new AbortController();
  const withSignal = shared.load(['c'], c.signal);
  const withoutSignal = shared.load(['d']);
  query.answer();
  await flush();
  const next = calls[2]!;
  c.abort();
  await expect(withSignal).rejects.toBeDefined();
  expect(next.signal.aborted).toBe(false);
  next.answer();
  await expect(withoutSignal).resolves.toEqual(['value of d']);
});

test('an already aborted signal is refused without queueing', async () => {
  const { shared, calls } = batcher();
  await expect(shared.load(['a'], AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  expect(calls).toHaveLength(0);
});
