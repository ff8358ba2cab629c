import type { Document } from 'mongodb';
import type { ClickHouseStore } from '../../store/clickhouse';
import type { Channel, IngestRecord } from '../records';
import type { Parsed } from '../validation';
import { customerRow, customerTombstone } from './customer.mapping';
import { orderRow, orderTombstone } from './order.mapping';

/** The key a document's row is stored under: the customer id, or an order's user_id. */
export interface Keyed {
  sourceId: string;
  key: string;
}

/**
 * What the ingester needs to know about one source collection: how a document becomes a record,
 * which key its row lives under, how to write its tombstone, and how to find the keys of the rows
 * ClickHouse holds for it (a delete event carries only `_id`).
 */
export interface SourceCollection {
  name: string;
  map(doc: Document): Parsed<{ key: string; record: (announce: boolean) => IngestRecord }>;
  tombstone(sourceId: string, key: string): IngestRecord;
  /** Every key the rows of these documents have been stored under. */
  keysOf(store: ClickHouseStore, sourceIds: readonly string[]): Promise<Keyed[]>;
  /** Every key any row of this collection has been stored under (for a fresh snapshot). */
  allKeys(store: ClickHouseStore): Promise<Keyed[]>;
}

/**
 * Every key these documents' rows have been stored under (`source_keys`), not only the current one: after
 * a crash part-way through a batch, a customer's state may count a document under a key the source table
 * never got. A delete or a move writes a deleted row under each; where nothing is counted, that changes nothing.
 */
function sourceKeys(store: ClickHouseStore, collection: string, sourceIds: readonly string[] | null): Promise<Keyed[]> {
  return store.query<Keyed>(
    'mongoKeys',
    `SELECT source_id AS sourceId, key FROM source_keys FINAL
     WHERE collection = {collection:String} AND ({all:Bool} OR source_id IN {ids:Array(String)})`,
    { collection, all: sourceIds === null, ids: sourceIds ?? [] },
  );
}

export const customersCollection: SourceCollection = {
  name: 'customers',
  map(doc) {
    const row = customerRow(doc);
    if (!row.ok) return row;
    // A customer is not activity: the subscription announces orders, emails and page views.
    const origin = { source: 'mongo:customers', key: row.value.source_id, customerId: row.value.id };
    return { ok: true, value: { key: row.value.id, record: () => ({ kind: 'customer', row: row.value, origin }) } };
  },
  tombstone: (sourceId, key) => ({ kind: 'customer', row: customerTombstone(sourceId, key) }),
  keysOf: (store, sourceIds) => sourceKeys(store, 'customers', sourceIds),
  allKeys: (store) => sourceKeys(store, 'customers', null),
};

function ordersCollection(name: string, channel: Channel): SourceCollection {
  return {
    name,
    map(doc) {
      const row = orderRow(doc, channel);
      if (!row.ok) return row;
      const origin = { source: `mongo:${name}`, key: row.value.order_id, customerId: row.value.user_id };
      return { ok: true, value: { key: row.value.user_id, record: (announce) => ({ kind: 'order', row: row.value, announce, origin }) } };
    },
    tombstone: (sourceId, key) => ({ kind: 'order', row: orderTombstone(sourceId, key, channel), announce: false }),
    keysOf: (store, sourceIds) => sourceKeys(store, name, sourceIds),
    allKeys: (store) => sourceKeys(store, name, null),
  };
}

export const onlineOrdersCollection = ordersCollection('online_orders', 'online');
export const instoreOrdersCollection = ordersCollection('instore_orders', 'instore');

export const SOURCE_COLLECTIONS: readonly SourceCollection[] = [customersCollection, onlineOrdersCollection, instoreOrdersCollection];
