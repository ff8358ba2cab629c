import { ActivityType } from '../../activity/activity';
import type { ClickHouseStore } from '../../store/clickhouse';
import type { Channel, CustomerRow, EmailRow, IngestRecord, OrderRow } from '../records';

export const WEB_TYPES: string[] = [ActivityType.WEBSITE_VISIT, ActivityType.LOGIN, ActivityType.WEBSITE_ERROR];

/**
 * The live source rows of the customers whose ids lie in [from, to], as records the rollup state applies
 * (each with its stored version, none announced): customers, orders, emails and page views.
 */
export async function rollupSourceRecords(store: ClickHouseStore, from: string, to: string): Promise<IngestRecord[]> {
  const range = { from, to };
  const customers = await store.query<CustomerRow>(
    'rebuildCustomers',
    `SELECT id, source_id, first_name, last_name, gender, toString(dob) AS dob, email, street, city, postcode, country, version
     FROM customers FINAL WHERE id BETWEEN {from:String} AND {to:String}`,
    range,
  );
  const orders = await store.query<OrderRow & { channel: Channel }>(
    'rebuildOrders',
    `SELECT user_id, toString(channel) AS channel, order_id, toUnixTimestamp64Milli(date) AS date, item_names, item_prices,
            item_quantities, location, version
     FROM orders FINAL WHERE user_id BETWEEN {from:String} AND {to:String}`,
    range,
  );
  const emails = await store.query<EmailRow>(
    'rebuildEmails',
    `SELECT user_id, email_id, toUnixTimestamp64Milli(date) AS date, opened, clicked, version, seq
     FROM marketing_emails FINAL WHERE user_id BETWEEN {from:String} AND {to:String}`,
    range,
  );
  const views = await store.query<{ user_id: string; date: number; key: string; payload: string }>(
    'rebuildViews',
    `SELECT user_id, toUnixTimestamp64Milli(at) AS date, key, payload
     FROM activity FINAL WHERE user_id BETWEEN {from:String} AND {to:String} AND type IN {types:Array(String)}`,
    { ...range, types: WEB_TYPES },
  );
  const records: IngestRecord[] = [];
  for (const row of customers) records.push({ kind: 'customer', row });
  for (const row of orders) records.push({ kind: 'order', row, announce: false });
  for (const row of emails) {
    const { seq, ...rest } = row;
    records.push({ kind: 'email', row: seq ? row : rest, announce: false });
  }
  for (const v of views) {
    const detail = JSON.parse(v.payload) as { page: string; error?: string | null };
    records.push({
      kind: 'weblog',
      row: { user_id: v.user_id, date: v.date, page: detail.page, error_message: detail.error ?? null, event_key: v.key },
      announce: false,
    });
  }
  return records;
}
