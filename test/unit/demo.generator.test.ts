import { LOGIN_PAGE } from '../../src/activity/activity';
import { DemoGenerator, demoCustomerId, prng } from '../../src/ingest/demo/generator';
import type { SourceRecord, OrderRow, WeblogRow } from '../../src/ingest/records';

const NOW = Date.UTC(2025, 0, 15, 12);
const POPULATION = 300;

function population(seed: number, count = POPULATION): SourceRecord[] {
  const generator = new DemoGenerator({ seed, now: NOW });
  const records: SourceRecord[] = [];
  for (let i = 0; i < count; i++) records.push(...generator.customerWithHistory(i));
  return records;
}

describe('prng', () => {
  test('one seed gives one sequence in [0, 1)', () => {
    const a = prng(42);
    const b = prng(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(prng(43)()).not.toBe(prng(42)());
  });
});

describe('DemoGenerator', () => {
  const records = population(360);
  const orders = records.filter((r): r is { kind: 'order'; row: OrderRow } => r.kind === 'order').map((r) => r.row);
  const weblogs = records.filter((r): r is { kind: 'weblog'; row: WeblogRow } => r.kind === 'weblog').map((r) => r.row);

  test('the same seed gives the same data, row for row', () => {
    expect(population(360)).toEqual(records);
  });

  test('a customer can be generated alone, and comes out as in the whole population', () => {
    const alone = new DemoGenerator({ seed: 360, now: NOW }).customerWithHistory(123);
    const inPopulation = records.filter((r) => (r.kind === 'customer' ? r.row.id : r.row.user_id) === demoCustomerId(123));
    expect(alone).toEqual(inPopulation);
  });

  test('another seed gives other data', () => {
    const other = population(361, 20);
    expect(other).not.toEqual(records.slice(0, other.length));
    const names = (rs: SourceRecord[]) => rs.flatMap((r) => (r.kind === 'customer' ? [r.row.first_name] : []));
    expect(names(other)).not.toEqual(names(population(360, 20)));
  });

  test('customers have ids C0000001…, names, genders, dates of birth, emails and addresses', () => {
    const customers = records.flatMap((r) => (r.kind === 'customer' ? [r.row] : []));
    expect(customers).toHaveLength(POPULATION);
    expect(customers[0]!.id).toBe('C0000001');
    expect(customers.at(-1)!.id).toBe('C0000300');
    for (const c of customers) {
      expect(c.first_name).toBeTruthy();
      expect(c.last_name).toBeTruthy();
      expect(['female', 'male', 'non-binary']).toContain(c.gender);
      expect(c.dob).toMatch(/^(19[5-9]\d|200[0-6])-\d{2}-\d{2}$/);
      expect(c.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
      expect(c.street && c.city && c.postcode && c.country).toBeTruthy();
    }
  });

  test('customers have orders of both channels, each of 1 to 5 lines with a price and a quantity per line', () => {
    const withOrders = new Set(orders.map((o) => o.user_id));
    expect(withOrders.size).toBeGreaterThan(POPULATION / 2);
    expect(new Set(orders.map((o) => o.channel))).toEqual(new Set(['online', 'instore']));
    for (const o of orders) {
      expect(o.item_names.length).toBeGreaterThanOrEqual(1);
      expect(o.item_names.length).toBeLessThanOrEqual(5);
      expect(o.item_prices).toHaveLength(o.item_names.length);
      expect(o.item_quantities).toHaveLength(o.item_names.length);
      expect(o.item_quantities.every((q) => Number.isInteger(q) && q >= 1)).toBe(true);
      expect(o.date).toBeLessThanOrEqual(NOW);
    }
    const lineCounts = new Set(orders.map((o) => o.item_names.length));
    expect(lineCounts).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(new Set(orders.map((o) => o.order_id)).size).toBe(orders.length);
  });

  test('emails are opened and clicked at realistic rates (clicked only when opened)', () => {
    const emails = records.flatMap((r) => (r.kind === 'email' ? [r.row] : []));
    expect(emails.length).toBeGreaterThan(POPULATION);
    const opened = emails.filter((e) => e.opened === 1).length / emails.length;
    const clicked = emails.filter((e) => e.clicked === 1).length / emails.length;
    expect(opened).toBeGreaterThan(0.1);
    expect(opened).toBeLessThan(0.4);
    expect(clicked).toBeGreaterThan(0);
    expect(clicked).toBeLessThan(opened);
    expect(emails.every((e) => e.clicked === 0 || e.opened === 1)).toBe(true);
  });

  test('weblogs include login_success.html and pages that fail with a handful of messages', () => {
    expect(weblogs.some((w) => w.page === LOGIN_PAGE && w.error_message === null)).toBe(true);
    const failures = weblogs.filter((w) => w.error_message);
    expect(failures.length).toBeGreaterThan(0);
    const messages = new Set(failures.map((w) => w.error_message));
    expect(messages.size).toBeGreaterThanOrEqual(3);
    expect(messages.size).toBeLessThanOrEqual(10);
    expect(new Set(weblogs.map((w) => w.event_key)).size).toBe(weblogs.length);
  });

  test('a live event is for a customer of the population and happens now', () => {
    const generator = new DemoGenerator({ seed: 360, now: NOW });
    const rand = prng(7);
    for (let serial = 0; serial < 50; serial++) {
      const record = generator.liveEvent(rand, POPULATION, serial, NOW + serial);
      expect(record.kind).not.toBe('customer');
      if (record.kind === 'customer') continue;
      expect(record.row.date).toBe(NOW + serial);
      const index = Number(record.row.user_id.slice(1)) - 1;
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(POPULATION);
    }
  });
});
