import type { CustomerDetails } from '../store/rollup';

/**
 * Rows as the ClickHouse tables hold them (clickhouse/001_sources.sql). Dates are epoch
 * milliseconds. `version` orders the states of one MongoDB document or Kafka email: the higher wins.
 */
export interface CustomerRow extends CustomerDetails {
  /** MongoDB `_id`: a delete event carries only this. */
  source_id: string;
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
  /**
   * The message's place among the messages for the same email, compared as a string: a later one replaces an
   * earlier one. Kafka messages carry (broker timestamp, partition, offset); without it, the version orders.
   */
  seq?: string;
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
