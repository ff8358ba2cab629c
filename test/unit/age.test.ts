import { ageOn, toCustomer } from '../../src/schema/customer.type';

const day = (iso: string) => new Date(`${iso}T12:00:00.000Z`);

describe('ageOn', () => {
  test('a birthday today counts', () => {
    expect(ageOn('1990-06-15', day('2024-06-15'))).toBe(34);
  });

  test('a birthday tomorrow does not count yet', () => {
    expect(ageOn('1990-06-16', day('2024-06-15'))).toBe(33);
  });

  test('a birthday yesterday counts', () => {
    expect(ageOn('1990-06-14', day('2024-06-15'))).toBe(34);
  });

  test('a birthday later in the year, or early next month, does not count yet', () => {
    expect(ageOn('1990-12-31', day('2024-01-01'))).toBe(33);
    expect(ageOn('1990-07-01', day('2024-06-30'))).toBe(33);
  });

  test('uses the UTC calendar day, whatever the local time zone', () => {
    expect(ageOn('1990-06-15', new Date('2024-06-14T23:59:59.999Z'))).toBe(33);
    expect(ageOn('1990-06-15', new Date('2024-06-15T00:00:00.000Z'))).toBe(34);
  });

  test('born on 29 February: in a non-leap year the birthday is reached on 1 March', () => {
    expect(ageOn('2000-02-29', day('2023-02-28'))).toBe(22);
    expect(ageOn('2000-02-29', day('2023-03-01'))).toBe(23);
    expect(ageOn('2000-02-29', day('2024-02-28'))).toBe(23);
    expect(ageOn('2000-02-29', day('2024-02-29'))).toBe(24);
  });

  test('no date of birth gives no age', () => {
    expect(ageOn(null, day('2024-06-15'))).toBeNull();
  });
});

describe('toCustomer', () => {
  const record = {
    id: 'C1',
    first_name: 'Ada',
    last_name: 'Lovelace',
    gender: 'female',
    dob: '1990-06-15',
    email: 'ada@example.com',
    street: null,
    city: null,
    postcode: null,
    country: null,
  };

  test('a customer without any address part has a null address', () => {
    expect(toCustomer(record, day('2024-06-15'))).toEqual({
      id: 'C1',
      firstName: 'Ada',
      lastName: 'Lovelace',
      gender: 'female',
      dateOfBirth: '1990-06-15',
      age: 34,
      email: 'ada@example.com',
      address: null,
    });
  });

  test('one address part is enough for an address', () => {
    expect(toCustomer({ ...record, city: 'London' }, day('2024-06-15')).address).toEqual({
      street: null,
      city: 'London',
      postcode: null,
      country: null,
    });
  });
});
