/**
 * Shared rules for checking source documents and messages against their SPEC shape. A value
 * that does not fit is rejected with a reason that names the field at fault.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export const accept = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const reject = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

export const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

// ISO-8601 calendar date, optionally with a time and a zone: 2024-05-01, 2024-05-01T10:00:00.123Z,
// 2024-05-01 10:00:00+02:00. A time without a zone is UTC.
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** What DateTime64(3) and Date32 hold: 1900-01-01 to 2299-12-31. */
const MIN_MS = Date.UTC(1900, 0, 1);
const MAX_MS = Date.UTC(2300, 0, 1) - 1;

const inRange = (ms: number): number | null => (ms >= MIN_MS && ms <= MAX_MS ? ms : null);

/** Epoch milliseconds from an ISO-8601 string, a number of epoch milliseconds or a Date; null if none of these (or out of range). */
export function parseDate(v: unknown): number | null {
  const ms = parseAnyDate(v);
  return ms === null ? null : inRange(ms);
}

function parseAnyDate(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && Math.abs(v) < 8.64e15 ? Math.trunc(v) : null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime();
  if (typeof v !== 'string') return null;
  const m = ISO_8601.exec(v.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  // Date.UTC rolls 2024-02-30 over into March; a real calendar date does not.
  const midnight = new Date(Date.UTC(year, month - 1, day));
  if (midnight.getUTCFullYear() !== year || midnight.getUTCMonth() !== month - 1 || midnight.getUTCDate() !== day) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const local = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3)));
  return local - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

/**
 * YYYY-MM-DD (UTC) from a Date or a string that starts with an ISO-8601 date; null if neither.
 * `storable` is false for dates outside what Date32 holds (1900-2299).
 */
export function parseCalendarDate(v: unknown): { date: string; storable: boolean } | null {
  if (!(v instanceof Date) && typeof v !== 'string') return null;
  const ms = parseAnyDate(typeof v === 'string' ? v.trim() : v);
  if (ms === null) return null;
  const date = new Date(ms).toISOString();
  // Years beyond 9999 print as +010000-…: not a calendar date anyone means.
  if (!/^\d{4}-/.test(date)) return null;
  return { date: date.slice(0, 10), storable: inRange(ms) !== null };
}

// Field rules; each rejection names the field.

export function requiredString(obj: Record<string, unknown>, field: string): Parsed<string> {
  const v = obj[field];
  if (v === undefined) return reject(`${field}: missing`);
  if (typeof v !== 'string') return reject(`${field}: expected a string, got ${typeName(v)}`);
  if (v.trim() === '') return reject(`${field}: empty`);
  return accept(v);
}

/** A string, or null when the field is null, missing or empty. */
export function optionalString(obj: Record<string, unknown>, field: string): Parsed<string | null> {
  const v = obj[field];
  if (v === undefined || v === null || v === '') return accept(null);
  if (typeof v !== 'string') return reject(`${field}: expected a string or null, got ${typeName(v)}`);
  return accept(v);
}

export function requiredBoolean(obj: Record<string, unknown>, field: string): Parsed<boolean> {
  const v = obj[field];
  if (v === undefined) return reject(`${field}: missing`);
  if (typeof v !== 'boolean') return reject(`${field}: expected a boolean, got ${typeName(v)}`);
  return accept(v);
}

/** A date as parseDate() reads it. */
export function requiredDate(obj: Record<string, unknown>, field: string): Parsed<number> {
  const v = obj[field];
  if (v === undefined) return reject(`${field}: missing`);
  const ms = parseDate(v);
  if (ms === null) return reject(`${field}: not a date (ISO-8601 or epoch milliseconds): ${JSON.stringify(v)?.slice(0, 64)}`);
  return accept(ms);
}
