/**
 * The shapes of the per-customer rollup and the activity table (clickhouse/003_rollups.sql), shared by the
 * ingest sink that writes them and the loaders that read them.
 */
import type { ActivityType } from '../activity/activity';

/** A customer's own details, as the `customers` source table holds them. */
export interface CustomerDetails {
  id: string;
  first_name: string | null;
  last_name: string | null;
  gender: string | null;
  /** YYYY-MM-DD */
  dob: string | null;
  email: string | null;
  street: string | null;
  city: string | null;
  postcode: string | null;
  country: string | null;
}

/** One channel's orders: [orders, order lines, amount spent, latest order date in epoch ms or null]. */
export type ChannelTotals = [orders: number, items: number, amount: number, lastOrderMs: number | null];

/** Latest marketing email dates in epoch ms: [sent, opened, clicked]. */
export type EmailDates = [sent: number | null, opened: number | null, clicked: number | null];

/**
 * The profile parts that come from MongoDB, derived by the sink from the customer's state and stored as JSON in
 * `customer_rollup.profile`. The email part (EmailDates) is stored in `email_profile`, and page-view parts have
 * columns of their own: each part is written only by the process that ingests its source.
 */
export interface ProfileDoc {
  /** Null when the customer document does not exist (or was deleted). */
  c: CustomerDetails | null;
  on: ChannelTotals;
  in: ChannelTotals;
  /** Upper-cased product name and its order lines: most first, ties by name (byte order). */
  fav: Array<[name: string, purchases: number]>;
}

export const EMPTY_PROFILE: ProfileDoc = {
  c: null,
  on: [0, 0, 0, null],
  in: [0, 0, 0, null],
  fav: [],
};

export const NO_EMAILS: EmailDates = [null, null, null];

/** Compares strings by code point, which is the byte order of their UTF-8 (ClickHouse's order for String). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (a code point above U+FFFF) sorts after every other UTF-16 unit by code point.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** A page-view error group as stored: JSON of [message, page], so no separator can be ambiguous. */
export function errorGroupKey(message: string, page: string): string {
  return JSON.stringify([message, page]);
}

export function parseErrorGroupKey(key: string): [message: string, page: string] {
  return JSON.parse(key) as [string, string];
}

/** A row of `rollup_input`: the MongoDB part (profile and state), the email part, or one page view's contribution. */
export interface RollupInputRow {
  user_id: string;
  has_profile?: 1;
  profile?: string;
  state?: string;
  version?: number;
  has_email?: 1;
  email_profile?: string;
  email_state?: string;
  email_version?: number;
  visit?: number;
  login?: number | null;
  error_group?: string;
  error_key?: string;
  error_ms?: number;
}

/** A row of `activity`. */
export interface ActivityRow {
  user_id: string;
  /** Epoch ms. */
  at: number;
  type: ActivityType;
  key: string;
  /** JSON of the ActivityDetail. */
  payload: string;
  version: number;
  deleted: 0 | 1;
}
