import { badUserInput } from '../errors';

/** A position in a timeline: entries sort by (at, type, key), newest first. */
export interface TimelinePosition {
  ms: number;
  type: string;
  key: string;
}

export function encodeCursor(p: TimelinePosition): string {
  return Buffer.from(JSON.stringify([p.ms, p.type, p.key])).toString('base64url');
}

export function decodeCursor(cursor: string): TimelinePosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string' &&
      typeof value[2] === 'string'
    ) {
      return { ms: value[0], type: value[1], key: value[2] };
    }
  } catch {
    // reported below
  }
  throw badUserInput(`Argument "after" is not a cursor from this timeline: ${JSON.stringify(cursor.slice(0, 64))}.`, 'after');
}
