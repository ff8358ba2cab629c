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
 * Where a record came from, kept with it if it is set aside: which source, where in it (a Kafka
 * partition and offset, a document's `_id`), the customer it names, and the record as received.
 */
export interface Origin {
  /** `kafka:<topic>` or `mongo:<collection>`. */
  source: string;
  key: string;
  customerId: string | null;
  /** The record as received (a Kafka value, a document as extended JSON); absent: the row it became. */
  document?: string;
}

/**
 * One record for the sink. `announce: false` keeps it off the activity stream: a MongoDB update
 * of an existing order, a snapshot row, a delete. `origin` is kept if the record is set aside.
 * A `rejected` record is one a source could not read: the sink stores it in `rejected_records`
 * in the same commit as the records around it.
 */
export type IngestRecord =
  | { kind: 'customer'; row: CustomerRow; origin?: Origin }
  | {
      kind: 'order';
      row: OrderRow;
      announce?: boolean;
      origin?: Origin;
      /**
       * The order may have activity rows the customer's state does not know of (a batch cut short by a crash,
       * replayed as the order is now): the sink looks them up and keeps only the one this record makes.
       */
      reconcile?: boolean;
    }
  | { kind: 'email'; row: EmailRow; announce?: boolean; origin?: Origin }
  | { kind: 'weblog'; row: WeblogRow; announce?: boolean; origin?: Origin }
  | { kind: 'rejected'; origin: Origin; reason: string };

/** A record a source read: everything but a rejected one. */
export type SourceRecord = Exclude<IngestRecord, { kind: 'rejected' }>;
