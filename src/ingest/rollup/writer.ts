import type { ActivityEvent } from '../../activity/activity';
import type { ClickHouseStore } from '../../store/clickhouse';
import type { CustomerRow, IngestRecord, OrderRow } from '../records';
import { RollupBatch, type CustomerState } from './state';

/** Where a source has got to; stored with the batch it covers, so a restart resumes exactly there. */
export interface Checkpoint {
  source: string;
  position: string;
}

/** Ids per state read: a query parameter travels in the URL of a ClickHouse server. */
const READ_CHUNK = 5_000;

/** The stored states of these customers (customers without one are absent). */
export async function readStates(store: ClickHouseStore, ids: readonly string[]): Promise<Map<string, CustomerState>> {
  const states = new Map<string, CustomerState>();
  for (let i = 0; i < ids.length; i += READ_CHUNK) {
    const rows = await store.query<{ user_id: string; state: string }>(
      'rollupState',
      `SELECT user_id, argMaxMerge(state) AS state FROM customer_rollup WHERE user_id IN {ids:Array(String)} GROUP BY user_id`,
      { ids: ids.slice(i, i + READ_CHUNK) },
    );
    for (const r of rows) if (r.state !== '') states.set(r.user_id, JSON.parse(r.state) as CustomerState);
  }
  return states;
}

/**
 * Writes one batch of records: reads the states of the customers it touches, applies the records to them in
 * order, and inserts the activity rows, the new states with their profiles, the source rows and the
 * checkpoints, in that order. Applying a batch again to what any prefix of these inserts left gives the same
 * result, so a failed or interrupted batch is simply written again (a retry, a redelivery after a crash):
 * - activity before the states: the rows that depend on an old state (an order's activity row vacated when
 *   its date changed) are stored before the state that forgets it;
 * - the states before the source rows: the MongoDB feed finds the customer an order belonged to in the
 *   `orders` table, so that table must never be ahead of the states, or a redelivered move would not take the
 *   order out of the old customer's state;
 * - the checkpoint last: a source resumes from a position whose rows are all stored.
 */
export async function writeBatch(
  store: ClickHouseStore,
  records: readonly IngestRecord[],
  checkpoints: readonly Checkpoint[],
  version: number,
): Promise<ActivityEvent[]> {
  const states = await readStates(store, RollupBatch.customersOf(records));
  const batch = new RollupBatch(states);
  const customers: CustomerRow[] = [];
  const orders: OrderRow[] = [];
  for (const record of records) {
    batch.apply(record);
    if (record.kind === 'customer') customers.push(record.row);
    else if (record.kind === 'order') orders.push(record.row);
  }
  const effects = batch.finish(version);
  await store.insert('activity', effects.activity);
  await store.insert('rollup_input', effects.rollup);
  await store.insert('customers', customers);
  await store.insert('orders', orders);
  await store.insert('marketing_emails', effects.emails);
  await store.insert(
    'ingest_checkpoints',
    checkpoints.map((c) => ({ ...c, version })),
  );
  return effects.events;
}
