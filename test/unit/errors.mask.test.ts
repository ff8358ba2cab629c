import { GraphQLError } from 'graphql';
import { RequestAbandoned } from '../../src/errors';
import { maskError } from '../../src/transport/errors';
import { capturedLogger } from '../utils/ingest';

const formatted = { message: 'x', path: ['customer'] };

describe('maskError', () => {
  test('an unknown error is masked for the client and logged as an error', () => {
    const { logger, lines } = capturedLogger('debug');
    const original = new GraphQLError('boom', { originalError: new Error('engine exploded') });
    const out = maskError(formatted, original, logger, { requestId: 'r1' });
    expect(out).toEqual({ message: 'Internal server error', path: ['customer'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'r1' } });
    expect(lines().map((l) => [l['level'], l['msg']])).toEqual([[50, 'internal error while resolving a request']]);
  });

  test('work stopped because the client went away or the time ran out is logged at debug level, not as an error', () => {
    const { logger, lines } = capturedLogger('debug');
    const gone = new RequestAbandoned('The client closed the connection before the answer.');
    // As it reaches the formatter: wrapped by graphql-js, or carried as the cause of another error.
    for (const original of [new GraphQLError('x', { originalError: gone }), new Error('query aborted', { cause: gone })]) {
      expect(maskError(formatted, original, logger, { requestId: 'r2' }).extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
    }
    expect(lines().map((l) => [l['level'], l['msg']])).toEqual([
      [20, 'request abandoned'],
      [20, 'request abandoned'],
    ]);
  });
});
