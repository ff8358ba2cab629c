/**
 * Whether a failed ClickHouse statement is about the data it carried (permanent: the same rows fail again)
 * or about the engine's state (transient: the same statement may well succeed later).
 */
export type FailureKind = 'permanent' | 'transient';

/**
 * ClickHouse error types that say the data itself cannot be stored: it does not parse as its column's type,
 * it is out of the type's range or too large. Everything else (the engine unreachable, a timeout, too many
 * parts, memory, a table missing for a while) is retried.
 */
const DATA_ERRORS = new Set([
  'CANNOT_PARSE_ESCAPE_SEQUENCE',
  'CANNOT_PARSE_QUOTED_STRING',
  'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
  'CANNOT_PARSE_TEXT',
  'CANNOT_PARSE_NUMBER',
  'CANNOT_PARSE_DATE',
  'CANNOT_PARSE_DATETIME',
  'CANNOT_PARSE_BOOL',
  'CANNOT_READ_ARRAY_FROM_TEXT',
  'CANNOT_READ_ALL_DATA',
  'CANNOT_CONVERT_TYPE',
  'CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN',
  'INCORRECT_DATA',
  'INCORRECT_JSON',
  'TYPE_MISMATCH',
  'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
  'ARGUMENT_OUT_OF_BOUND',
  'TOO_LARGE_STRING_SIZE',
  'TOO_LARGE_ARRAY_SIZE',
  'SIZES_OF_ARRAYS_DONT_MATCH',
  'SIZES_OF_NESTED_COLUMNS_ARE_INCONSISTENT',
  'DECIMAL_OVERFLOW',
  'UNKNOWN_FIELD',
]);

export function failureKind(error: unknown): FailureKind {
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof type === 'string') return DATA_ERRORS.has(type) ? 'permanent' : 'transient';
  // What our own code throws over a record (a state or value it cannot read) fails again for that record too.
  if (error instanceof TypeError || error instanceof SyntaxError || error instanceof RangeError) return 'permanent';
  return 'transient';
}
