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
  /** Keys of the live rows of these documents. */
  keysOf(store: ClickHouseStore, sourceIds: readonly string[]): Promise<Keyed[]>;
  /** Keys of every live row that came from this collection (for a fresh snapshot). */
  allKeys(store: ClickHouseStore): Promise<Keyed[]>;
}

export const customersCollection: SourceCollection = {
  name: 'customers',
  map(doc) {
    const row = customerRow(doc);
    if (!row.ok) return row;
    // A customer is not activity: the subscription announces orders, emails and page views.
    return { ok: true, value: { key: row.value.id, record: () => ({ kind: 'customer', row: row.value }) } };
  },
  tombstone: (sourceId, key) => ({ kind: 'customer', row: customerTombstone(sourceId, key) }),
  keysOf: (store, sourceIds) =>
    store.query<Keyed>(
      'mongoCustomerKeys',
      'SELECT source_id AS sourceId, id AS key FROM customers FINAL WHERE source_id IN {ids:Array(String)}',
      { ids: sourceIds },
    ),
  allKeys: (store) => store.query<Keyed>('mongoCustomerKeys', 'SELECT source_id AS sourceId, id AS key FROM customers FINAL'),
};

function ordersCollection(name: string, channel: Channel): SourceCollection {
  return {
    name,
    map(doc) {
      const row = orderRow(doc, channel);
      if (!row.ok) return row;
      return { ok: true, value: { key: row.value.user_id, record: (announce) => ({ kind: 'order', row: row.value, announce }) } };
    },
    tombstone: (sourceId, key) => ({ kind: 'order', row: orderTombstone(sourceId, key, channel), announce: false }),
    keysOf: (store, sourceIds) =>
      store.query<Keyed>(
        'mongoOrderKeys',
        'SELECT order_id AS sourceId, user_id AS key FROM orders FINAL WHERE channel = {channel:String} AND order_id IN {ids:Array(String)}',
        { channel, ids: sourceIds },
      ),
    allKeys: (store) =>
      store.query<Keyed>('mongoOrderKeys', 'SELECT order_id AS sourceId, user_id AS key FROM orders FINAL WHERE channel = {channel:String}', {
        channel,
      }),
  };
}

export const onlineOrdersCollection = ordersCollection('online_orders', 'online');
export const instoreOrdersCollection = ordersCollection('instore_orders', 'instore');

export const SOURCE_COLLECTIONS: readonly SourceCollection[] = [customersCollection, onlineOrdersCollection, instoreOrdersCollection];
