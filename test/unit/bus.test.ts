import { ActivityType, type ActivityEvent } from '../../src/activity/activity';
import { InProcessActivityBus } from '../../src/activity/bus';

// Events are told apart by their page here.
const event = (customerId: string, type: ActivityType, page = `${type} of ${customerId}`): ActivityEvent => ({
  id: `weblogs:${page}`,
  customerId,
  type,
  at: new Date('2024-05-01T10:00:00.000Z'),
  source: 'weblogs',
  page,
});

describe('InProcessActivityBus', () => {
  test('delivers to each customer only their own events, in order', async () => {
    const bus = new InProcessActivityBus();
    const a = bus.subscribe('A');
    const b = bus.subscribe('B');
    bus.publish([
      event('A', ActivityType.LOGIN, 'a1'),
      event('B', ActivityType.LOGIN, 'b1'),
      event('C', ActivityType.LOGIN, 'c1'),
      event('A', ActivityType.WEBSITE_VISIT, 'a2'),
    ]);
    expect((await a.next()).value).toMatchObject({ page: 'a1' });
    expect((await a.next()).value).toMatchObject({ page: 'a2' });
    expect((await b.next()).value).toMatchObject({ page: 'b1' });
    await a.return();
    await b.return();
  });

  test('a types filter lets only those types through', async () => {
    const bus = new InProcessActivityBus();
    const logins = bus.subscribe('A', [ActivityType.LOGIN, ActivityType.WEBSITE_ERROR]);
    bus.publish([
      event('A', ActivityType.WEBSITE_VISIT, 'visit'),
      event('A', ActivityType.LOGIN, 'login'),
      event('A', ActivityType.EMAIL_SENT, 'email'),
      event('A', ActivityType.WEBSITE_ERROR, 'error'),
    ]);
    expect((await logins.next()).value).toMatchObject({ page: 'login' });
    expect((await logins.next()).value).toMatchObject({ page: 'error' });
    await logins.return();
  });

  test('an empty types list lets nothing through; null lets everything through', async () => {
    const bus = new InProcessActivityBus();
    const none = bus.subscribe('A', []);
    const all = bus.subscribe('A', null);
    bus.publish([event('A', ActivityType.LOGIN, 'login')]);
    expect((await all.next()).value).toMatchObject({ page: 'login' });
    // Nothing is queued for `none`: a later matching event cannot exist, so check the queue stays empty.
    const pending = none.next();
    await none.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    await all.return();
  });

  test('a subscription waits for events published after it subscribed', async () => {
    const bus = new InProcessActivityBus();
    const a = bus.subscribe('A');
    const next = a.next();
    bus.publish([event('A', ActivityType.LOGIN, 'later')]);
    expect((await next).value).toMatchObject({ page: 'later' });
    await a.return();
  });

  test('return() unsubscribes, before or after the first next()', async () => {
    const bus = new InProcessActivityBus();
    const started = bus.subscribe('A');
    const unstarted = bus.subscribe('A');
    const other = bus.subscribe('B');
    expect(bus.subscriberCount()).toBe(3);

    const waiting = started.next();
    await started.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(bus.subscriberCount()).toBe(2);

    await unstarted.return();
    expect(bus.subscriberCount()).toBe(1);
    expect(await unstarted.next()).toEqual({ done: true, value: undefined });

    // Events for A now go nowhere; B still receives its own.
    bus.publish([event('A', ActivityType.LOGIN), event('B', ActivityType.LOGIN, 'b')]);
    expect((await other.next()).value).toMatchObject({ page: 'b' });
    await other.return();
    expect(bus.subscriberCount()).toBe(0);
  });

  test('two subscribers of one customer each get every event', async () => {
    const bus = new InProcessActivityBus();
    const first = bus.subscribe('A');
    const second = bus.subscribe('A', [ActivityType.LOGIN]);
    bus.publish([event('A', ActivityType.LOGIN, 'x')]);
    expect((await first.next()).value).toMatchObject({ page: 'x' });
    expect((await second.next()).value).toMatchObject({ page: 'x' });
    await first.return();
    expect(bus.subscriberCount()).toBe(1);
    await second.return();
  });
});
