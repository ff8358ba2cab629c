import { buildSchema, parse, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { SharedSubscriptions } from '../../src/live/shared.subscriptions';

/** A schema whose one subscription counts how many times it was started and pushes what the test sends. */
function fixture() {
  const schema = buildSchema('type Query { ok: Boolean } type Subscription { tick(n: Int): Int other: Int }');
  const started: number[] = [];
  const pushers: Array<(value: number) => void> = [];
  const ended: number[] = [];
  const root = {
    tick: () => {
      const id = started.length;
      started.push(id);
      const queue: number[] = [];
      let wake: (() => void) | null = null;
      pushers.push((v) => {
        queue.push(v);
        wake?.();
      });
      let closed = false;
      const stream = (async function* () {
        try {
          while (!closed) {
            while (queue.length > 0) yield { tick: queue.shift() };
            await new Promise<void>((resolve) => (wake = resolve));
          }
        } finally {
          ended.push(id);
        }
      })();
      // As the profile feed's streams do: a return() while a next() waits ends the wait.
      const originalReturn = stream.return.bind(stream);
      stream.return = (value) => {
        closed = true;
        wake?.();
        return originalReturn(value);
      };
      return stream;
    },
    other: () => (async function* () {})(),
  };
  const shared = new SharedSubscriptions(new Set(['tick']), (args) => (args.contextValue as { role: string }).role);
  const args = (query: string, role: string, variables?: Record<string, unknown>): ExecutionArgs => ({
    schema,
    document: parse(query),
    rootValue: root,
    contextValue: { role },
    ...(variables ? { variableValues: variables } : {}),
  });
  return { shared, args, started, ended, push: (i: number, v: number) => pushers[i]!(v) };
}

type Stream = AsyncGenerator<ExecutionResult, void, undefined>;

describe('SharedSubscriptions', () => {
  test('the same subscription with the same role runs once for all its clients; another role or variables run apart', async () => {
    const f = fixture();
    const a = (await f.shared.subscribe(f.args('subscription { tick(n: 1) }', 'support'))) as Stream;
    const b = (await f.shared.subscribe(f.args('subscription { tick(n: 1) }', 'support'))) as Stream;
    const c = (await f.shared.subscribe(f.args('subscription { tick(n: 1) }', 'personalisation'))) as Stream;
    const d = (await f.shared.subscribe(f.args('subscription T($n: Int) { tick(n: $n) }', 'support', { n: 2 }))) as Stream;
    expect([f.started.length, f.shared.consumers()]).toEqual([3, 4]);
    f.push(0, 7);
    expect([await a.next(), await b.next()]).toEqual([
      { done: false, value: { data: { tick: 7 } } },
      { done: false, value: { data: { tick: 7 } } },
    ]);
    // One client leaving keeps the execution for the other; the last one ends it.
    await a.return(undefined);
    f.push(0, 8);
    expect(await b.next()).toEqual({ done: false, value: { data: { tick: 8 } } });
    expect(f.ended).toEqual([]);
    await b.return(undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(f.ended).toEqual([0]);
    await c.return(undefined);
    await d.return(undefined);
    expect(f.shared.consumers()).toBe(0);
  });

  test('other subscriptions, and several root fields, are not shared', async () => {
    const f = fixture();
    await f.shared.subscribe(f.args('subscription { tick }', 'support'));
    await f.shared.subscribe(f.args('subscription { tick other }', 'support'));
    expect(f.shared.consumers()).toBe(1);
  });
});
