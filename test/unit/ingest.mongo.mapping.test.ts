import { Decimal128, Long, ObjectId } from 'mongodb';
import { customerRow } from '../../src/ingest/mongo/customer.mapping';
import { orderRow } from '../../src/ingest/mongo/order.mapping';
import { idString } from '../../src/ingest/mongo/document';

const reasonOf = (r: { ok: boolean; reason?: string }) => (r.ok ? 'ok' : r.reason);

describe('customers documents', () => {
  const doc = {
    _id: new ObjectId('665a1b2c3d4e5f6a7b8c9d0e'),
    id: 'C1',
    first_name: 'Ada',
    last_name: 'Lovelace',
    gender: 'female',
    dob: '1815-12-10',
    email: 'ada@example.com',
    address: { street: '1 St James Sq', city: 'London', postcode: 'SW1', country: 'United Kingdom' },
  };

  test('a document becomes a row keyed by its id, with _id kept as the source id', () => {
    // (Ada's 1815 birthday is outside what the dob column holds: see the dob test.)
    expect(customerRow(doc)).toEqual({
      ok: true,
      value: {
        id: 'C1',
        source_id: '665a1b2c3d4e5f6a7b8c9d0e',
        first_name: 'Ada',
        last_name: 'Lovelace',
        gender: 'female',
        dob: null,
        email: 'ada@example.com',
        street: '1 St James Sq',
        city: 'London',
        postcode: 'SW1',
        country: 'United Kingdom',
      },
    });
  });

  test('dob may be a Date or a date-time string; missing fields are null; a dob before 1900 is not stored', () => {
    const fromDate = customerRow({ _id: 'x', id: 'C2', dob: new Date(Date.UTC(1990, 6, 4)) });
    expect(fromDate.ok && fromDate.value).toMatchObject({ dob: '1990-07-04', first_name: null, city: null });
    const fromDateTime = customerRow({ _id: 'x', id: 'C2', dob: '1990-07-04T00:00:00.000Z' });
    expect(fromDateTime.ok && fromDateTime.value.dob).toBe('1990-07-04');
  });

  test.each([
    [{ ...doc, id: undefined }, /^id: missing/],
    [{ ...doc, id: 7 }, /^id: expected a string/],
    [{ ...doc, dob: '10/12/1815' }, /^dob: expected a YYYY-MM-DD string or a Date/],
    [{ ...doc, email: ['a@b'] }, /^email: expected a string or null, got array/],
    [{ ...doc, address: 'London' }, /^address: expected an object, got string/],
    [{ ...doc, address: { city: 5 } }, /^address.city: expected a string or null, got number/],
  ])('%p is invalid', (value, reason) => {
    expect(reasonOf(customerRow(value))).toMatch(reason);
  });
});

describe('orders documents', () => {
  const online = {
    _id: new ObjectId('665a1b2c3d4e5f6a7b8c9d0f'),
    user_id: 'C1',
    date: new Date(Date.UTC(2024, 4, 1, 10)),
    items: [
      { product_name: 'Scarf', price: 12.5, quantity: 2 },
      { product_name: 'Hat', price: new Decimal128('20.00') },
      { product_name: 'Socks', price: 3, quantity: Long.fromNumber(3) },
    ],
    delivery_address: { street: '1 Main St', city: 'Leeds' },
  };

  test('lines become parallel arrays; quantity defaults to 1; the delivery city is the location', () => {
    expect(orderRow(online, 'online')).toEqual({
      ok: true,
      value: {
        user_id: 'C1',
        channel: 'online',
        order_id: '665a1b2c3d4e5f6a7b8c9d0f',
        date: Date.UTC(2024, 4, 1, 10),
        item_names: ['Scarf', 'Hat', 'Socks'],
        item_prices: [12.5, 20, 3],
        item_quantities: [2, 1, 3],
        location: 'Leeds',
      },
    });
  });

  test('a delivery address given as one string is the location; in store, the store city is', () => {
    const text = orderRow({ ...online, delivery_address: '2 High St, Cork' }, 'online');
    expect(text.ok && text.value.location).toBe('2 High St, Cork');
    const instore = orderRow({ _id: 'o2', user_id: 'C1', date: '2024-05-01T10:00:00Z', items: [], store: { id: 'S1', city: 'Glasgow' } }, 'instore');
    expect(instore.ok && instore.value).toMatchObject({ channel: 'instore', location: 'Glasgow', item_names: [] });
  });

  test.each([
    [{ ...online, user_id: null }, /^user_id: expected a string, got null/],
    [{ ...online, date: 'soon' }, /^date: not a date/],
    [{ ...online, items: undefined }, /^items: missing/],
    [{ ...online, items: { product_name: 'x' } }, /^items: expected an array, got object/],
    [{ ...online, items: [{ product_name: 'x', price: 'ten' }] }, /^items\[0\].price: expected a number, got string/],
    [{ ...online, items: [{ price: 1 }] }, /^items\[0\].product_name: missing/],
    [{ ...online, items: [{ product_name: 'x', price: 1, quantity: 'two' }] }, /^items\[0\].quantity: expected a number/],
  ])('%p is invalid', (value, reason) => {
    expect(reasonOf(orderRow(value, 'online'))).toMatch(reason);
  });
});

test('idString keeps strings, prints numbers and ObjectIds as hex', () => {
  expect(idString('abc')).toBe('abc');
  expect(idString(42)).toBe('42');
  expect(idString(new ObjectId('665a1b2c3d4e5f6a7b8c9d0f'))).toBe('665a1b2c3d4e5f6a7b8c9d0f');
  expect(idString(undefined)).toBeNull();
});
