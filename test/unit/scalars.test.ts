import { Kind } from 'graphql';
import { DateScalar, DateTimeScalar } from '../../src/schema/scalars';

describe('DateTime', () => {
  test('serializes as ISO-8601 UTC with milliseconds', () => {
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2024, 4, 1, 10, 0, 0, 0)))).toBe('2024-05-01T10:00:00.000Z');
    expect(DateTimeScalar.serialize(new Date('2024-05-01T12:00:00.123+02:00'))).toBe('2024-05-01T10:00:00.123Z');
  });

  test('serializes epoch milliseconds and ISO strings too', () => {
    expect(DateTimeScalar.serialize(1_714_557_600_007)).toBe('2024-05-01T10:00:00.007Z');
    expect(DateTimeScalar.serialize('2024-05-01T10:00:00Z')).toBe('2024-05-01T10:00:00.000Z');
  });

  test('parses variables and literals into Dates', () => {
    expect(DateTimeScalar.parseValue('2024-05-01T10:00:00.000Z')).toEqual(new Date(Date.UTC(2024, 4, 1, 10)));
    expect(DateTimeScalar.parseLiteral({ kind: Kind.STRING, value: '2024-05-01T10:00:00.000Z' })).toEqual(new Date(Date.UTC(2024, 4, 1, 10)));
  });

  test('rejects what is not a point in time', () => {
    expect(() => DateTimeScalar.serialize('yesterday')).toThrow('DateTime cannot represent "yesterday"');
    expect(() => DateTimeScalar.serialize(new Date(Number.NaN))).toThrow(/DateTime cannot represent/);
    expect(() => DateTimeScalar.parseValue({})).toThrow(/DateTime cannot represent/);
    expect(() => DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '1' })).toThrow('DateTime must be a string');
  });
});

describe('Date', () => {
  test('serializes a calendar day as YYYY-MM-DD', () => {
    expect(DateScalar.serialize('1990-06-15')).toBe('1990-06-15');
    expect(DateScalar.serialize(new Date(Date.UTC(1990, 5, 15)))).toBe('1990-06-15');
    expect(DateScalar.parseValue('2000-02-29')).toBe('2000-02-29');
    expect(DateScalar.parseLiteral({ kind: Kind.STRING, value: '2000-02-29' })).toBe('2000-02-29');
  });

  test.each(['15/06/1990', '1990-6-15', '1990-06-15T00:00:00Z', '1990-13-01', '2024-02-30', '2023-02-29', '1990-04-31'])(
    'rejects %s',
    (value) => {
      expect(() => DateScalar.serialize(value)).toThrow(/Date cannot represent/);
      expect(() => DateScalar.parseValue(value)).toThrow(/Date cannot represent/);
    },
  );
});
