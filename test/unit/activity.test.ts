import { ActivityType, activitySource, weblogActivityType } from '../../src/activity/activity';
import type { IngestRecord } from '../../src/ingest/records';
import { orderDetail, RollupBatch } from '../../src/ingest/rollup/state';

describe('weblogActivityType', () => {
  test('an error beats a login', () => {
    expect(weblogActivityType('login_success.html', 'Session expired')).toBe(ActivityType.WEBSITE_ERROR);
  });

  test('a login is only login_success.html', () => {
    expect(weblogActivityType('login_success.html', null)).toBe(ActivityType.LOGIN);
    expect(weblogActivityType('login.html', null)).toBe(ActivityType.WEBSITE_VISIT);
    expect(weblogActivityType('LOGIN_SUCCESS.HTML', null)).toBe(ActivityType.WEBSITE_VISIT);
  });

  test('an empty error message is no error', () => {
    expect(weblogActivityType('home.html', '')).toBe(ActivityType.WEBSITE_VISIT);
    expect(weblogActivityType('login_success.html', undefined)).toBe(ActivityType.LOGIN);
  });
});

describe('activitySource', () => {
  test('names the SPEC source of each type', () => {
    expect(activitySource(ActivityType.INSTORE_ORDER)).toBe('instore_orders');
    expect(activitySource(ActivityType.ONLINE_ORDER)).toBe('online_orders');
    expect(activitySource(ActivityType.EMAIL_SENT)).toBe('marketing_emails');
    expect(activitySource(ActivityType.WEBSITE_VISIT)).toBe('weblogs');
    expect(activitySource(ActivityType.LOGIN)).toBe('weblogs');
    expect(activitySource(ActivityType.WEBSITE_ERROR)).toBe('weblogs');
  });
});

describe('what a batch announces', () => {
  const order = {
    user_id: 'C1',
    channel: 'online' as const,
    order_id: 'O1',
    date: Date.UTC(2024, 2, 1, 10),
    item_names: ['Jeans', 'Scarf'],
    item_prices: [50, 20],
    item_quantities: [1, 2],
    location: 'London',
    version: 1,
  };
  const announced = (...records: IngestRecord[]) => {
    const batch = new RollupBatch(new Map());
    for (const r of records) batch.apply(r);
    return batch.finish(99).events;
  };

  test('an order amounts to the sum of price × quantity', () => {
    expect(orderDetail(order).amount).toBe(90);
  });

  test('a new order announces itself with its typed facts and a stable id, and no text made in advance', () => {
    expect(announced({ kind: 'order', row: order })).toEqual([
      {
        id: 'online_orders:O1',
        customerId: 'C1',
        type: ActivityType.ONLINE_ORDER,
        at: new Date('2024-03-01T10:00:00.000Z'),
        source: 'online_orders',
        channel: 'online',
        amount: 90,
        items: 2,
        products: ['JEANS', 'SCARF'],
        location: 'London',
      },
    ]);
  });

  test('customers, deletes, updates of known orders and records marked announce: false announce nothing', () => {
    expect(announced({ kind: 'order', row: { ...order, deleted: 1 } })).toEqual([]);
    expect(announced({ kind: 'order', row: order, announce: false })).toEqual([]);
    expect(announced({ kind: 'order', row: order }, { kind: 'order', row: { ...order, version: 2 } })).toHaveLength(1);
    expect(
      announced({ kind: 'weblog', row: { user_id: 'C1', date: 0, page: 'home.html', error_message: null, event_key: 'k' }, announce: false }),
    ).toEqual([]);
    expect(
      announced({
        kind: 'customer',
        row: { id: 'C1', source_id: 'C1', first_name: null, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null, version: 1 },
      }),
    ).toEqual([]);
  });

  test('a weblog on login_success.html with an error is a WEBSITE_ERROR from weblogs; its page loses the query string', () => {
    const [event] = announced({
      kind: 'weblog',
      row: { user_id: 'C1', date: Date.UTC(2024, 2, 6, 9), page: 'login_success.html?next=%2Faccount', error_message: 'Session expired', event_key: 'k' },
    });
    expect(event).toEqual({
      id: 'weblogs:k',
      customerId: 'C1',
      type: ActivityType.WEBSITE_ERROR,
      at: new Date('2024-03-06T09:00:00.000Z'),
      source: 'weblogs',
      page: 'login_success.html',
      error: 'Session expired',
    });
  });
});
