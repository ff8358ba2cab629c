import { createHash } from 'node:crypto';
import { customerIdHash, customerOf, Tombstones } from '../../src/privacy/tombstone';

describe('Tombstones', () => {
  test('the hash is the SHA-256 of the id in hex', () => {
    expect(customerIdHash('C0000001')).toBe(createHash('sha256').update('C0000001').digest('hex'));
  });

  test('partition drops the records of erased customers and keeps the rest in order', () => {
    const tombstones = new Tombstones();
    tombstones.add(customerIdHash('GONE'));
    const items = ['A', 'GONE', 'B', null, 'GONE', 'A'].map((customer, i) => ({ customer, i }));
    const { kept, dropped } = tombstones.partition(items, (item) => item.customer);
    expect(kept.map((k) => k.i)).toEqual([0, 2, 3, 5]);
    expect(dropped.map((d) => d.i)).toEqual([1, 4]);
    expect([tombstones.has('GONE'), tombstones.has('A'), tombstones.hasHash(customerIdHash('GONE'))]).toEqual([true, false, true]);
  });

  test('without tombstones a batch is not even looked at', () => {
    const tombstones = new Tombstones();
    const asked: string[] = [];
    const customer = (item: string) => (asked.push(item), item);
    const batch = ['A', 'B', 'A', 'A', 'B'];
    expect(tombstones.partition(batch, customer).kept).toEqual(batch);
    expect(asked).toEqual([]);
    tombstones.add(customerIdHash('Z'));
    expect(tombstones.partition(batch, customer).dropped).toEqual([]);
    expect(asked).toEqual(batch);
  });

  test('a record names its customer: the customer document, an order, a rejected record that names one', () => {
    expect(customerOf({ kind: 'customer', row: { id: 'C1', source_id: 's', first_name: null, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null } })).toBe('C1');
    expect(customerOf({ kind: 'weblog', row: { user_id: 'C2', date: 0, page: 'p', error_message: null, event_key: 'k' } })).toBe('C2');
    expect(customerOf({ kind: 'rejected', origin: { source: 'kafka:weblogs', key: '0/1', customerId: 'C3' }, reason: 'bad' })).toBe('C3');
    expect(customerOf({ kind: 'rejected', origin: { source: 'kafka:weblogs', key: '0/2', customerId: null }, reason: 'bad' })).toBeNull();
  });
});
