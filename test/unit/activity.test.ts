import { ActivityType, activitySource, summarize, weblogActivityType } from '../../src/activity/activity';
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

describe('summarize', () => {
  test('orders tell where, how many lines and how much', () => {
    expect(summarize(ActivityType.INSTORE_ORDER, { items: 3, amount: 83, location: 'Paris' })).toBe('In-store order in Paris: 3 items, 83.00');
    expect(summarize(ActivityType.ONLINE_ORDER, { items: 1, amount: 105.5, location: 'Leeds' })).toBe('Online order to Leeds: 1 item, 105.50');
    expect(summarize(ActivityType.ONLINE_ORDER, { items: 2, amount: 9.99, location: null })).toBe('Online order: 2 items, 9.99');
  });

  test('emails tell whether they were opened and clicked', () => {
    expect(summarize(ActivityType.EMAIL_SENT, { emailId: 'E1', opened: false, clicked: false })).toBe('Marketing email E1 sent (not opened)');
    expect(summarize(ActivityType.EMAIL_SENT, { emailId: 'E1', opened: true, clicked: false })).toBe('Marketing email E1 sent (opened)');
    expect(summarize(ActivityType.EMAIL_SENT, { emailId: 'E1', opened: true, clicked: true })).toBe('Marketing email E1 sent (opened and clicked)');
  });

  test('weblogs tell the page, and the error if any', () => {
    expect(summarize(ActivityType.LOGIN, { page: 'login_success.html' })).toBe('Logged in (login_success.html)');
    expect(summarize(ActivityType.WEBSITE_ERROR, { page: 'checkout.html', error: 'Card declined' })).toBe('Error on checkout.html: Card declined');
    expect(summarize(ActivityType.WEBSITE_VISIT, { page: 'home.html' })).toBe('Visited home.html');
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

  test('a new order announces itself, with its typed facts and a stable id', () => {
    expect(announced({ kind: 'order', row: order })).toEqual([
      {
        id: 'online_orders:O1',
        customerId: 'C1',
        type: ActivityType.ONLINE_ORDER,
        at: new Date('2024-03-01T10:00:00.000Z'),
        summary: 'Online order to London: 2 items, 90.00',
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
      summary: 'Error on login_success.html?next=%2Faccount: Session expired',
      source: 'weblogs',
      page: 'login_success.html',
      error: 'Session expired',
    });
  });
});
