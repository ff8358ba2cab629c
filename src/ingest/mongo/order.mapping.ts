import type { Document } from 'mongodb';
import type { Channel, OrderRow } from '../records';
import { accept, reject, requiredDate, requiredString, typeName, type Parsed } from '../validation';
import { bsonNumber, idString, isPlainObject } from './document';

/**
 * An `online_orders` or `instore_orders` document as a row: `{ _id, user_id, date, items:
 * [{ product_name, price, quantity? }] }` plus `delivery_address` (a string or an address object)
 * online, or `store: { id, city }` in store. `quantity` defaults to 1.
 */
export function orderRow(doc: Document, channel: Channel): Parsed<OrderRow> {
  const orderId = idString(doc['_id']);
  if (orderId === null) return reject('_id: missing');
  const userId = requiredString(doc, 'user_id');
  if (!userId.ok) return userId;
  const date = requiredDate(doc, 'date');
  if (!date.ok) return date;
  const items: unknown = doc['items'];
  if (items === undefined) return reject('items: missing');
  if (!Array.isArray(items)) return reject(`items: expected an array, got ${typeName(items)}`);
  const names: string[] = [];
  const prices: number[] = [];
  const quantities: number[] = [];
  for (const [i, item] of items.entries()) {
    if (!isPlainObject(item)) return reject(`items[${i}]: expected an object, got ${typeName(item)}`);
    const name = requiredString(item, 'product_name');
    if (!name.ok) return reject(`items[${i}].${name.reason}`);
    const price = bsonNumber(item['price']);
    if (price === null) return reject(`items[${i}].price: expected a number, got ${typeName(item['price'])}`);
    const rawQuantity: unknown = item['quantity'];
    const quantity = rawQuantity === undefined || rawQuantity === null ? 1 : bsonNumber(rawQuantity);
    if (quantity === null) return reject(`items[${i}].quantity: expected a number, got ${typeName(rawQuantity)}`);
    names.push(name.value);
    prices.push(price);
    quantities.push(quantity);
  }
  return accept({
    user_id: userId.value,
    channel,
    order_id: orderId,
    date: date.value,
    item_names: names,
    item_prices: prices,
    item_quantities: quantities,
    location: channel === 'online' ? cityOf(doc['delivery_address']) : cityOf(doc['store']),
  });
}

/** The city of an address object, or the whole address when it is one string. */
function cityOf(address: unknown): string | null {
  if (typeof address === 'string') return address.trim() || null;
  if (isPlainObject(address) && typeof address['city'] === 'string') return address['city'].trim() || null;
  return null;
}

/** The row that marks an order deleted (FINAL reads drop it). */
export function orderTombstone(orderId: string, userId: string, channel: Channel): OrderRow {
  return {
    user_id: userId,
    channel,
    order_id: orderId,
    date: 0,
    item_names: [],
    item_prices: [],
    item_quantities: [],
    location: null,
    deleted: 1,
  };
}
