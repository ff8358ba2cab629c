import { orderAmount, spendByMonth } from '../../src/console/dashboard/charts';
import type { ActivityEvent } from '../../src/console/dashboard/queries';

// The dashboard's spend chart, from the timeline events the console queries.

const order = (at: string, amount: number, summary: string): ActivityEvent => ({ customerId: 'C1', type: 'ONLINE_ORDER', at, summary, source: 'online_orders', amount });

test('an order counts its typed amount, not a number read from the summary', () => {
  // The summary rounds to cents and is composed per role; the amount is the order's own.
  expect(orderAmount(order('2025-01-02T00:00:00.000Z', 10.125, 'Online order to Leeds: 1 item, 10.13'))).toBe(10.125);
  // A summary need not end in the amount at all.
  expect(orderAmount(order('2025-01-02T00:00:00.000Z', 74.5, 'Online order (2 items) to Unit 7'))).toBe(74.5);
});

test('spend per month adds the typed amounts', () => {
  const now = new Date('2025-03-15T00:00:00.000Z');
  const buckets = spendByMonth(
    [order('2025-03-01T00:00:00.000Z', 0.125, 'Online order: 1 item, 0.13'), order('2025-03-02T00:00:00.000Z', 0.125, 'Online order: 1 item, 0.13')],
    now,
  );
  expect(buckets.at(-1)).toEqual({ start: new Date('2025-03-01T00:00:00.000Z'), online: 0.25, instore: 0 });
});
