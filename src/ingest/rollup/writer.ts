import type { ActivityEvent } from '../../activity/activity';
import type { ClickHouseStore } from '../../store/clickhouse';
import type { Checkpoint } from '../checkpoints';
import type { CustomerRow, IngestRecord, Origin, OrderRow } from '../records';
import { orphanKey, RollupBatch, StoredParts, type CustomerState } from './state';


/** What `rejected_records.document` keeps of a record, at most. */
const MAX_DOCUMENT_CHARS = 64 * 1024;

/** A row of `rejected_records`: stored as text ClickHouse takes whatever the record held. */
function rejectedRow(origin: Origin, reason: string) {
  return {
    source: origin.source,
    key: origin.key.toWellFormed(),
    customer_id: (origin.customerId ?? '').toWellFormed(),
    reason: reason.toWellFormed(),
    document: (origin.document ?? '').slice(0, MAX_DOCUMENT_CHARS).toWellFormed(),
  };
}

/** Ids per state read: a query parameter travels in the URL of a ClickHouse server. */
const READ_CHUNK = 5_000;

/** The stored states of these customers (customers without one are absent). */
export async function readStates(store: ClickHouseStore, ids: readonly string[]): Promise<Map<string, CustomerState>> {
  const states = new Map<string, CustomerState>();
  for (let i = 0; i < ids.length; i += READ_CHUNK) {
    const rows = await store.query<{ user_id: string; state: string; email_state: string }>(
      'rollupState',
      `SELECT user_id, argMaxMerge(state) AS state, argMaxMerge(email_state) AS email_state
       FROM customer_rollup WHERE user_id IN {ids:Array(String)} GROUP BY user_id`,
      { ids: ids.slice(i, i + READ_CHUNK) },
    );
    for (const r of rows) if (r.state !== '' || r.email_state !== '') states.set(r.user_id, StoredParts.join(r.state, r.email_state));
  }
  return states;
}

/** Live activity rows of these orders (see RollupBatch's `orphans`). */
async function readOrphans(store: ClickHouseStore, candidates: ReadonlyArray<{ user: string; type: string; key: string }>): Promise<Map<string, number[]>> {
  const orphans = new Map<string, number[]>();
  for (let i = 0; i < candidates.length; i += READ_CHUNK) {
    const chunk = candidates.slice(i, i + READ_CHUNK);
    const rows = await store.query<{ user_id: string; type: string; key: string; at: number }>(
      'rollupOrphans',
      `SELECT user_id, toString(type) AS type, key, toUnixTimestamp64Milli(at) AS at FROM activity FINAL
       WHERE user_id IN {users:Array(String)} AND key IN {keys:Array(String)} AND type IN {types:Array(String)}`,
      { users: [...new Set(chunk.map((c) => c.user))], keys: [...new Set(chunk.map((c) => c.key))], types: [...new Set(chunk.map((c) => c.type))] },
    );
    const wanted = new Set(chunk.map((c) => orphanKey(c.user, c.type, c.key)));
    for (const r of rows) {
      const id = orphanKey(r.user_id, r.type, r.key);
      if (wanted.has(id)) orphans.set(id, [...(orphans.get(id) ?? []), r.at]);
    }
  }
  return orphans;
}

/**
 * Writes one batch of records: reads the states of the customers it touches, applies the records to them in
 * order, and inserts the activity rows, the new states with their profiles, the source rows and the
 * checkpoints, in that order. Applying a batch again to what any prefix of these inserts left gives the same
 * result, so a failed or interrupted batch is simply written again (a retry, a redelivery after a crash):
 * - activity before the states: the rows that depend on an old state (an order's activity row vacated when
 *   its date changed) are stored before the state that forgets it;
 * - the keys a MongoDB document's rows live under (`source_keys`) first of all: the MongoDB feed looks there for
 *   every customer an order may still count for. After a crash part-way through a batch, the states may hold
 *   an order under a customer the orders table never heard of, and the change replayed after the crash
 *   carries only where the order is now;
 * - the states before the source rows, for the same reason: the source tables are never ahead of the states;
 * - the checkpoint last: a source resumes from a position whose rows (and rejected records) are all stored.
 */
export async function writeBatch(
  store: ClickHouseStore,
  records: readonly IngestRecord[],
  checkpoints: readonly Checkpoint[],
  version: number,
): Promise<ActivityEvent[]> {
  const states = await readStates(store, RollupBatch.customersOf(records));
  const batch = new RollupBatch(states, await readOrphans(store, RollupBatch.orphanCandidates(records, states)));
  const customers: CustomerRow[] = [];
  const orders: OrderRow[] = [];
  const rejected: Array<ReturnType<typeof rejectedRow>> = [];
  for (const record of records) {
    batch.apply(record);
    if (record.kind === 'customer') customers.push(record.row);
    else if (record.kind === 'order') orders.push(record.row);
    else if (record.kind === 'rejected') rejected.push(rejectedRow(record.origin, record.reason));
  }
  const effects = batch.finish(version);
  await store.insert('source_keys', [
    ...customers.map((c) => ({ collection: 'customers', source_id: c.source_id, key: c.id })),
    ...orders.filter((o) => !o.deleted).map((o) => ({ collection: `${o.channel}_orders`, source_id: o.order_id, key: o.user_id })),
  ]);
  await store.insert('activity', effects.activity);
  await store.insert('rollup_input', effects.rollup);
  await store.insert('customers', customers);
  await store.insert('orders', orders);
  await store.insert('marketing_emails', effects.emails);
  await store.insert('rejected_records', rejected);
  await store.insert(
    'ingest_checkpoints',
    checkpoints.map((c) => ({ ...c, version })),
  );
  return effects.events;
}
