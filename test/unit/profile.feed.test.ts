import type { LoaderFactory, Loaders } from '../../src/loaders';
import { ProfileFeed } from '../../src/live/profile.feed';

/** Loaders are opaque to the feed: each create() is told apart by a serial. */
function factory(): { loaders: LoaderFactory; created: () => number } {
  let n = 0;
  return { loaders: { create: () => ({ serial: ++n }) as unknown as Loaders } as LoaderFactory, created: () => n };
}

describe('ProfileFeed', () => {
  test('one set of loaders per commit, shared by every subscriber of every customer it touched', async () => {
    const { loaders, created } = factory();
    const feed = new ProfileFeed(loaders);
    const a1 = feed.subscribe('A');
    const a2 = feed.subscribe('A');
    const b = feed.subscribe('B');
    feed.committed(['A', 'B', 'C']);
    const pushes = await Promise.all([a1.next(), a2.next(), b.next()]);
    expect(pushes.map((p) => p.value && p.value.customerId)).toEqual(['A', 'A', 'B']);
    expect(new Set(pushes.map((p) => p.value && p.value.loaders)).size).toBe(1);
    expect(created()).toBe(1);
    // A commit touching nobody watched creates nothing.
    feed.committed(['C']);
    expect(created()).toBe(1);
  });

  test('a subscriber that falls behind gets the newest push only', async () => {
    const { loaders } = factory();
    const feed = new ProfileFeed(loaders);
    const a = feed.subscribe('A');
    feed.committed(['A']);
    feed.committed(['A']);
    feed.committed(['A']);
    const first = await a.next();
    expect((first.value as unknown as { loaders: { serial: number } }).loaders.serial).toBe(3);
    feed.committed(['A']);
    expect(((await a.next()).value as unknown as { loaders: { serial: number } }).loaders.serial).toBe(4);
  });

  test('erasure completes the customer\'s subscriptions; return() unregisters', async () => {
    const feed = new ProfileFeed(factory().loaders);
    const a = feed.subscribe('A');
    const b = feed.subscribe('B');
    expect(feed.subscriberCount()).toBe(2);
    const waiting = a.next();
    feed.erased('A');
    expect(await waiting).toEqual({ done: true, value: undefined });
    await b.return(undefined);
    expect(feed.subscriberCount()).toBe(0);
  });
});
