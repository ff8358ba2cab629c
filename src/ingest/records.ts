import {
  ActivityType,
  activitySource,
  summarize,
  weblogActivityType,
  type ActivityEvent,
} from '../activity/activity';

/**
 * Rows as the ClickHouse tables hold them (clickhouse/001_sources.sql). Dates are epoch
 * milliseconds. `version` orders the states of one MongoDB document or Kafka email: the higher wins.
 */
export interface CustomerRow {
  id: string;
  source_id: string;
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
  version?: number;
  deleted?: 0 | 1;
}

export type Channel = 'online' | 'instore';

export interface OrderRow {
  user_id: string;
  channel: Channel;
  order_id: string;
  date: number;
  item_names: string[];
  item_prices: number[];
  item_quantities: number[];
  location: string | null;
  version?: number;
  deleted?: 0 | 1;
}

export interface EmailRow {
  user_id: string;
  email_id: string;
  date: number;
  opened: 0 | 1;
  clicked: 0 | 1;
  version?: number;
}

export interface WeblogRow {
  user_id: string;
  date: number;
  page: string;
  error_message: string | null;
  /** Identifies the page view, so that a second delivery of it collapses into the first. */
  event_key: string;
}

/**
 * One record for the sink. `announce: false` keeps it off the activity stream: a MongoDB update
 * of an existing order, a snapshot row, a delete.
 */
export type IngestRecord =
  | { kind: 'customer'; row: CustomerRow }
  | { kind: 'order'; row: OrderRow; announce?: boolean }
  | { kind: 'email'; row: EmailRow; announce?: boolean }
  | { kind: 'weblog'; row: WeblogRow; announce?: boolean };

export function orderAmount(row: Pick<OrderRow, 'item_prices' | 'item_quantities'>): number {
  return row.item_prices.reduce((sum, price, i) => sum + price * (row.item_quantities[i] ?? 1), 0);
}

/** The `ActivityEvent` that a committed record announces, or null for records that announce nothing. */
export function activityOf(record: IngestRecord): ActivityEvent | null {
  switch (record.kind) {
    case 'customer':
      return null;
    case 'order': {
      const r = record.row;
      if (r.deleted || record.announce === false) return null;
      const type = r.channel === 'online' ? ActivityType.ONLINE_ORDER : ActivityType.INSTORE_ORDER;
      return event(r.user_id, type, r.date, {
        items: r.item_names.length,
        amount: orderAmount(r),
        location: r.location,
      });
    }
    case 'email': {
      const r = record.row;
      if (record.announce === false) return null;
      return event(r.user_id, ActivityType.EMAIL_SENT, r.date, {
        emailId: r.email_id,
        opened: r.opened === 1,
        clicked: r.clicked === 1,
      });
    }
    case 'weblog': {
      const r = record.row;
      if (record.announce === false) return null;
      return event(r.user_id, weblogActivityType(r.page, r.error_message), r.date, {
        page: r.page,
        error: r.error_message,
      });
    }
  }
}

function event(customerId: string, type: ActivityType, date: number, detail: Parameters<typeof summarize>[1]): ActivityEvent {
  return { customerId, type, at: new Date(date), summary: summarize(type, detail), source: activitySource(type) };
}
