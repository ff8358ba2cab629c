import { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor } from '../../src/loaders/timeline.cursor';

describe('timeline cursors', () => {
  test('decode(encode(p)) gives p back', () => {
    const position = { ms: 1_714_557_600_000, type: 'EMAIL_SENT', key: 'E-1:"quoted"/ü' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  test('a cursor is URL-safe text', () => {
    expect(encodeCursor({ ms: 1, type: 'LOGIN', key: '???>>>' })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test.each([
    ['not base64 JSON', 'garbage!'],
    ['empty', ''],
    ['JSON of the wrong shape', Buffer.from(JSON.stringify({ ms: 1 })).toString('base64url')],
    ['a position with a fractional time', Buffer.from(JSON.stringify([1.5, 'LOGIN', 'k'])).toString('base64url')],
    ['a position with a missing key', Buffer.from(JSON.stringify([1, 'LOGIN'])).toString('base64url')],
  ])('a bad cursor (%s) is BAD_USER_INPUT naming "after"', (_what, cursor) => {
    let error: unknown;
    try {
      decodeCursor(cursor);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions['code']).toBe('BAD_USER_INPUT');
    expect((error as GraphQLError).message).toContain('"after"');
  });
});
