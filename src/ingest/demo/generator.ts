import { Faker, base, en, en_GB } from '@faker-js/faker';
import type { Channel, CustomerRow, SourceRecord } from '../records';
import { FAILURES, PAGES, PRODUCTS, STORES } from './catalogue';

const DAY = 86_400_000;

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same data everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const demoCustomerId = (index: number) => `C${String(index + 1).padStart(7, '0')}`;

export interface DemoOptions {
  seed: number;
  /** Dates are spread back from this instant (epoch ms). */
  now: number;
}

type Rand = () => number;
const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const between = (rand: Rand, min: number, max: number) => min + Math.floor(rand() * (max - min + 1));

/**
 * A deterministic fashion retailer: each customer is generated from (seed, index) alone, so any
 * slice of the population can be made on its own and two runs with one seed agree row for row.
 */
export class DemoGenerator {
  private readonly faker = new Faker({ locale: [en_GB, en, base] });

  constructor(private readonly options: DemoOptions) {}

  /** The customer with this index and all of their history. */
  customerWithHistory(index: number): SourceRecord[] {
    const { seed, now } = this.options;
    const rand = prng(seed * 7_919 + index * 104_729 + 1);
    const id = demoCustomerId(index);
    const records: SourceRecord[] = [{ kind: 'customer', row: this.customer(index, id, rand) }];

    const orders = between(rand, 0, 6) + between(rand, 0, 3);
    for (let j = 0; j < orders; j++) {
      const channel: Channel = rand() < 0.6 ? 'online' : 'instore';
      records.push({ kind: 'order', row: this.order(rand, id, channel, `${id}-O${j}`, now - rand() * 730 * DAY) });
    }
    const emails = between(rand, 0, 8);
    for (let j = 0; j < emails; j++) {
      const opened = rand() < 0.22;
      const clicked = opened && rand() < 0.3;
      records.push({
        kind: 'email',
        row: { user_id: id, email_id: `${id}-E${j}`, date: Math.floor(now - rand() * 180 * DAY), opened: opened ? 1 : 0, clicked: clicked ? 1 : 0 },
      });
    }
    const visits = between(rand, 5, 30);
    for (let j = 0; j < visits; j++) {
      records.push({ kind: 'weblog', row: this.weblog(rand, id, `${id}-W${j}`, now - rand() * 60 * DAY) });
    }
    return records;
  }

  /** One new event for a random customer, happening now: the live trickle. */
  liveEvent(rand: Rand, customers: number, serial: number, now: number): SourceRecord {
    const id = demoCustomerId(Math.floor(rand() * customers));
    const key = `${id}-L${now}-${serial}`;
    const roll = rand();
    if (roll < 0.12) return { kind: 'order', row: this.order(rand, id, 'online', key, now) };
    if (roll < 0.2) return { kind: 'order', row: this.order(rand, id, 'instore', key, now) };
    if (roll < 0.32) {
      const opened = rand() < 0.3;
      return { kind: 'email', row: { user_id: id, email_id: key, date: now, opened: opened ? 1 : 0, clicked: opened && rand() < 0.3 ? 1 : 0 } };
    }
    return { kind: 'weblog', row: this.weblog(rand, id, key, now) };
  }

  private customer(index: number, id: string, rand: Rand): CustomerRow {
    const f = this.faker;
    f.seed(this.options.seed * 1_000_003 + index);
    const gender = rand() < 0.52 ? 'female' : rand() < 0.96 ? 'male' : 'non-binary';
    const first = f.person.firstName(gender === 'female' ? 'female' : gender === 'male' ? 'male' : undefined);
    const last = f.person.lastName();
    const dob = new Date(Date.UTC(between(rand, 1950, 2006), between(rand, 0, 11), between(rand, 1, 28)));
    return {
      id,
      source_id: id,
      first_name: first,
      last_name: last,
      gender,
      dob: dob.toISOString().slice(0, 10),
      email: f.internet.email({ firstName: first, lastName: last, provider: pick(rand, ['example.com', 'mail.example', 'post.example']) }).toLowerCase(),
      street: f.location.streetAddress(),
      city: f.location.city(),
      postcode: f.location.zipCode(),
      country: pick(rand, ['United Kingdom', 'United Kingdom', 'United Kingdom', 'Ireland', 'France']),
    };
  }

  private order(rand: Rand, userId: string, channel: Channel, orderId: string, date: number) {
    const lines = between(rand, 1, 5);
    const names: string[] = [];
    const prices: number[] = [];
    const quantities: number[] = [];
    for (let k = 0; k < lines; k++) {
      const product = pick(rand, PRODUCTS);
      names.push(product.name);
      prices.push(product.price);
      quantities.push(rand() < 0.8 ? 1 : between(rand, 2, 3));
    }
    return {
      user_id: userId,
      channel,
      order_id: orderId,
      date: Math.floor(date),
      item_names: names,
      item_prices: prices,
      item_quantities: quantities,
      location: channel === 'instore' ? pick(rand, STORES).city : pick(rand, ['London', 'Leeds', 'Glasgow', 'Cardiff', 'Belfast', 'Cork']),
    };
  }

  private weblog(rand: Rand, userId: string, key: string, date: number) {
    if (rand() < 0.06) {
      const failure = pick(rand, FAILURES);
      return { user_id: userId, date: Math.floor(date), page: failure.page, error_message: failure.message, event_key: key };
    }
    return { user_id: userId, date: Math.floor(date), page: pick(rand, PAGES), error_message: null, event_key: key };
  }
}
