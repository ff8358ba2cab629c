import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function toDate(value: unknown, scalar: string): Date {
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw new GraphQLError(`${scalar} cannot represent ${JSON.stringify(value)}`);
  }
  return date;
}

/** ISO-8601 UTC with milliseconds, e.g. 2024-05-01T10:00:00.000Z. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO-8601 UTC with milliseconds, e.g. 2024-05-01T10:00:00.000Z',
  serialize: (value) => toDate(value, 'DateTime').toISOString(),
  parseValue: (value) => toDate(value, 'DateTime'),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string');
    return toDate(ast.value, 'DateTime');
  },
});

function toDay(value: unknown): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value === 'string' && DATE.test(value)) {
    // Date.parse rolls impossible days over (2023-02-29 becomes 1 March): the day must survive the round trip.
    const ms = Date.parse(`${value}T00:00:00Z`);
    if (!Number.isNaN(ms) && new Date(ms).toISOString().startsWith(value)) return value;
  }
  throw new GraphQLError(`Date cannot represent ${JSON.stringify(value)}; expected YYYY-MM-DD`);
}

/** A calendar day, YYYY-MM-DD. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'YYYY-MM-DD',
  serialize: toDay,
  parseValue: toDay,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Date must be a string');
    return toDay(ast.value);
  },
});
