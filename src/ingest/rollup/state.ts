import {
  ActivityType,
  activityEvent,
  LOGIN_PAGE,
  weblogActivityType,
  type ActivityDetail,
  type ActivityEvent,
} from '../../activity/activity';
import {
  compareCodePoints,
  errorGroupKey,
  type ActivityRow,
  type ChannelTotals,
  type CustomerDetails,
  type EmailDates,
  type ProfileDoc,
  type RollupInputRow,
} from '../../store/rollup';
import type { Channel, CustomerRow, EmailRow, IngestRecord, OrderRow, WeblogRow } from '../records';

/** What one order contributes to its customer's profile. */
export interface OrderEntry {
  /** Version of the order document this entry came from. */
  v: number;
  /** Order date, epoch ms. */
  at: number;
  /** Order lines. */
  n: number;
  /** Sum of price × quantity. */
  amt: number;
  /** Upper-cased product name of each line. */
  p: string[];
}

/** What one marketing email contributes, and where it stands in the email's order of messages. */
export interface EmailEntry {
  /** The message's place in the total order of messages for this email (see emailSeq). */
  s: string;
  at: number;
  o: 0 | 1;
  c: 0 | 1;
}

/**
 * A customer's MongoDB and email records as far as the profile needs them, kept in `customer_rollup`: the
 * customer and orders in `state`, the emails in `email_state` (see StoredParts).
 * Because it holds each order's and email's contribution, an update or delete retracts exactly what the old
 * version added, and a maximum that loses its top (the latest order deleted) falls back to the next one.
 */
export interface CustomerState {
  /** Version of the customer document last applied (a delete included), 0 if none. */
  cv: number;
  c: CustomerDetails | null;
  /** Orders by `_id`, per channel. */
  on: Record<string, OrderEntry>;
  in: Record<string, OrderEntry>;
  /** Emails by email_id. */
  e: Record<string, EmailEntry>;
}

export const emptyState = (): CustomerState => ({ cv: 0, c: null, on: {}, in: {}, e: {} });

/**
 * Where an email message stands among the messages for the same email: the Kafka ingester gives each a `seq`
 * (broker timestamp, then partition, then offset); other writers fall back to the sink's version, which grows
 * with every write.
 */
export function emailSeq(row: EmailRow): string {
  return row.seq ?? `v${String(row.version ?? 0).padStart(20, '0')}`;
}

export function orderDetail(row: OrderRow): ActivityDetail {
  return {
    channel: row.channel,
    amount: row.item_prices.reduce((sum, price, i) => sum + price * (row.item_quantities[i] ?? 1), 0),
    items: row.item_names.length,
    products: row.item_names.map((n) => n.toUpperCase()),
    location: row.location,
  };
}

const orderType = (channel: Channel) => (channel === 'online' ? ActivityType.ONLINE_ORDER : ActivityType.INSTORE_ORDER);

/** Sorts keys in ClickHouse's order, so sums run in one fixed order whatever order the records came in. */
const sortedValues = <T>(map: Record<string, T>): T[] =>
  Object.keys(map)
    .sort(compareCodePoints)
    .map((k) => map[k]!);

function channelTotals(orders: Record<string, OrderEntry>): ChannelTotals {
  let count = 0;
  let items = 0;
  let amount = 0;
  let last: number | null = null;
  for (const o of sortedValues(orders)) {
    count++;
    items += o.n;
    amount += o.amt;
    if (last === null || o.at > last) last = o.at;
  }
  return [count, items, amount, last];
}

function favourites(state: CustomerState): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const orders of [state.on, state.in]) {
    for (const o of Object.values(orders)) for (const name of o.p) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
}

function emailDates(state: CustomerState): EmailDates {
  const dates: EmailDates = [null, null, null];
  const later = (a: number | null, b: number) => (a === null || b > a ? b : a);
  for (const e of Object.values(state.e)) {
    dates[0] = later(dates[0], e.at);
    if (e.o) dates[1] = later(dates[1], e.at);
    if (e.c) dates[2] = later(dates[2], e.at);
  }
  return dates;
}

/** The MongoDB profile part a state determines. */
export function profileOf(state: CustomerState): ProfileDoc {
  return { c: state.c, on: channelTotals(state.on), in: channelTotals(state.in), fav: favourites(state) };
}

/** The email profile part a state determines. */
export const emailProfileOf = emailDates;

/**
 * How a state is stored: its MongoDB part (the customer and orders) and its email part in columns of their own,
 * each written only by a process that changed it. Two processes that write one customer at the same moment (the
 * MongoDB feed on one gateway, a Kafka partition on another) then never overwrite each other's change.
 */
export const StoredParts = {
  mongo: ({ cv, c, on, in: inStore }: CustomerState) => ({ cv, c, on, in: inStore }),
  email: ({ e }: CustomerState) => ({ e }),
  /** A state from its stored parts ('' for a part never written). */
  join(mongo: string, email: string): CustomerState {
    return { ...emptyState(), ...(mongo ? (JSON.parse(mongo) as Partial<CustomerState>) : {}), ...(email ? (JSON.parse(email) as Partial<CustomerState>) : {}) };
  },
};

function details({ source_id: _source, version: _version, deleted: _deleted, ...rest }: CustomerRow): CustomerDetails {
  return rest;
}

export const orphanKey = (user: string, type: string, key: string) => `${user}\u0000${type}\u0000${key}`;

/** Everything one batch of records writes besides the source rows. */
export interface Effects {
  activity: ActivityRow[];
  rollup: RollupInputRow[];
  /** Announced after commit on the customerActivity stream. */
  events: ActivityEvent[];
  /** Email rows to store: a message older than the one applied is not stored at all. */
  emails: EmailRow[];
}

/**
 * Applies one batch of records, in order, to the states of the customers they touch, and collects what that
 * writes: activity rows (deleted rows under keys an update or delete vacated), rollup rows, events. Pure: the
 * caller reads the states first and writes the effects after, so applying a batch twice (a retry, a
 * redelivery after a crash) leaves the same states and rows as applying it once.
 */
export class RollupBatch {
  readonly effects: Effects = { activity: [], rollup: [], events: [], emails: [] };
  /** Customers whose MongoDB part, and whose email part, changed. */
  private readonly changed = { mongo: new Set<string>(), email: new Set<string>() };

  /**
   * @param states the stored states of the customers the batch touches (read by the caller)
   * @param orphans activity rows of orders marked `reconcile` that their customer's state does not hold, by
   *   `orphanKey(user, type, order)`: epoch ms of each (read by the caller)
   */
  constructor(
    private readonly states: Map<string, CustomerState>,
    private readonly orphans: Map<string, number[]> = new Map(),
  ) {}

  /** Orders of a batch whose activity rows the caller must look up for the constructor's `orphans`. */
  static orphanCandidates(records: readonly IngestRecord[], states: ReadonlyMap<string, CustomerState>): Array<{ user: string; type: ActivityType; key: string }> {
    const out: Array<{ user: string; type: ActivityType; key: string }> = [];
    for (const r of records) {
      if (r.kind !== 'order' || !r.reconcile) continue;
      const state = states.get(r.row.user_id);
      if (!(r.row.channel === 'online' ? state?.on : state?.in)?.[r.row.order_id]) out.push({ user: r.row.user_id, type: orderType(r.row.channel), key: r.row.order_id });
    }
    return out;
  }

  /** The customers whose state a batch of records reads. */
  static customersOf(records: readonly IngestRecord[]): string[] {
    const ids = new Set<string>();
    for (const r of records) {
      if (r.kind === 'customer') ids.add(r.row.id);
      else if (r.kind === 'order' || r.kind === 'email') ids.add(r.row.user_id);
    }
    return [...ids];
  }

  apply(record: IngestRecord): void {
    switch (record.kind) {
      case 'customer':
        return this.customer(record.row);
      case 'order':
        return this.order(record.row, record.announce !== false);
      case 'email':
        return this.email(record.row, record.announce !== false);
      case 'weblog':
        return this.weblog(record.row, record.announce !== false);
      case 'rejected':
        return;
    }
  }

  /** Marks both parts of a customer's state changed, so that finish() writes them (a repair writes every part). */
  touch(id: string): void {
    this.state(id);
    this.changed.mongo.add(id);
    this.changed.email.add(id);
  }

  /** Adds a rollup row, at `version`, for every customer whose state changed, with the parts that changed. */
  finish(version: number): Effects {
    for (const id of new Set([...this.changed.mongo, ...this.changed.email])) {
      const state = this.states.get(id)!;
      const row: RollupInputRow = { user_id: id };
      if (this.changed.mongo.has(id)) {
        Object.assign(row, { has_profile: 1, profile: JSON.stringify(profileOf(state)), state: JSON.stringify(StoredParts.mongo(state)), version });
      }
      if (this.changed.email.has(id)) {
        Object.assign(row, {
          has_email: 1,
          email_profile: JSON.stringify(emailProfileOf(state)),
          email_state: JSON.stringify(StoredParts.email(state)),
          email_version: version,
        });
      }
      this.effects.rollup.push(row);
    }
    this.changed.mongo.clear();
    this.changed.email.clear();
    return this.effects;
  }

  private state(id: string): CustomerState {
    let state = this.states.get(id);
    if (!state) this.states.set(id, (state = emptyState()));
    return state;
  }

  private customer(row: CustomerRow): void {
    const state = this.state(row.id);
    const version = row.version ?? 0;
    if (version < state.cv) return;
    state.cv = version;
    state.c = row.deleted ? null : details(row);
    this.changed.mongo.add(row.id);
  }

  private order(row: OrderRow, announce: boolean): void {
    const state = this.state(row.user_id);
    const orders = row.channel === 'online' ? state.on : state.in;
    const existing = orders[row.order_id];
    const version = row.version ?? 0;
    const type = orderType(row.channel);
    if (existing && existing.v > version) return;
    // Rows an interrupted batch left that the state does not know of: only the one this record makes stays.
    const orphans = existing ? [] : this.takeOrphans(row.user_id, type, row.order_id);
    for (const at of orphans) if (row.deleted || at !== row.date) this.vacate(row.user_id, at, type, row.order_id, version);
    if (row.deleted) {
      if (!existing) return;
      delete orders[row.order_id];
      this.vacate(row.user_id, existing.at, type, row.order_id, version);
      this.changed.mongo.add(row.user_id);
      return;
    }
    const detail = orderDetail(row);
    orders[row.order_id] = { v: version, at: row.date, n: detail.items!, amt: detail.amount!, p: detail.products! };
    if (existing && existing.at !== row.date) this.vacate(row.user_id, existing.at, type, row.order_id, version);
    this.record(row.user_id, row.date, type, row.order_id, detail, version, announce && !existing);
    this.changed.mongo.add(row.user_id);
  }

  private email(row: EmailRow, announce: boolean): void {
    const state = this.state(row.user_id);
    const existing = state.e[row.email_id];
    const seq = emailSeq(row);
    // An older message for this email than the one applied (a redelivery, another partition): it changes nothing.
    if (existing && compareCodePoints(existing.s, seq) > 0) return;
    const version = row.version ?? 0;
    state.e[row.email_id] = { s: seq, at: row.date, o: row.opened, c: row.clicked };
    this.effects.emails.push(row);
    if (existing && existing.at !== row.date) this.vacate(row.user_id, existing.at, ActivityType.EMAIL_SENT, row.email_id, version);
    const detail: ActivityDetail = { emailId: row.email_id, opened: row.opened === 1, clicked: row.clicked === 1 };
    this.record(row.user_id, row.date, ActivityType.EMAIL_SENT, row.email_id, detail, version, announce && !existing);
    this.changed.email.add(row.user_id);
  }

  private weblog(row: WeblogRow, announce: boolean): void {
    const type = weblogActivityType(row.page, row.error_message);
    this.record(row.user_id, row.date, type, row.event_key, { page: row.page, error: row.error_message || null }, 0, announce);
    const error = type === ActivityType.WEBSITE_ERROR;
    this.effects.rollup.push({
      user_id: row.user_id,
      visit: row.date,
      // SPEC: the latest view of the login page, whether or not it reported an error.
      login: row.page === LOGIN_PAGE ? row.date : null,
      ...(error ? { error_group: errorGroupKey(row.error_message!, row.page), error_key: row.event_key, error_ms: row.date } : {}),
    });
  }

  private record(userId: string, at: number, type: ActivityType, key: string, detail: ActivityDetail, version: number, announce: boolean): void {
    this.effects.activity.push({ user_id: userId, at, type, key, payload: JSON.stringify(detail), version, deleted: 0 });
    if (announce) this.effects.events.push(activityEvent(userId, type, at, key, detail));
  }

  private takeOrphans(user: string, type: ActivityType, key: string): number[] {
    const id = orphanKey(user, type, key);
    const found = this.orphans.get(id) ?? [];
    this.orphans.delete(id);
    return found;
  }

  /** Marks the activity row under an old key deleted: the record moved (its date changed) or is gone. */
  private vacate(userId: string, at: number, type: ActivityType, key: string, version: number): void {
    this.effects.activity.push({ user_id: userId, at, type, key, payload: '', version, deleted: 1 });
  }
}
