/**
 * Shared rules for checking source documents and messages against their SPEC shape. A value
 * that does not fit is rejected with a reason that names the field at fault.
 */
import type { IngestRecord } from './records';

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
  // The reason names the field and what it needs, never the value: reasons are logged and sent with dead letters.
  if (ms === null) return reject(`${field}: not a date from 1900 to 2299 (ISO-8601 or epoch milliseconds), got ${typeName(v)}`);
  return accept(ms);
}

// What the engine would refuse, refused up front: checks every record the sink is given, whatever wrote it.

/** Lines one order may have; more is not an order anyone placed. */
export const MAX_ORDER_LINES = 10_000;

const MIN_DAY = '1900-01-01';
const MAX_DAY = '2299-12-31';
const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function checkString(field: string, value: string | null | undefined, maxBytes: number): string | null {
  if (value === null || value === undefined) return null;
  // A lone UTF-16 surrogate ("\ud800" in JSON) is not text: ClickHouse refuses it, and UTF-8 cannot hold it.
  if (!value.isWellFormed()) return `${field}: not well-formed Unicode (a lone surrogate)`;
  if (value.length > maxBytes || utf8Bytes(value) > maxBytes) return `${field}: longer than ${maxBytes} bytes`;
  return null;
}

function checkNumber(field: string, value: number): string | null {
  // JSON has no NaN or Infinity: they would reach the engine as null and be stored as 0.
  return Number.isFinite(value) ? null : `${field}: not a finite number`;
}

function checkDate(field: string, ms: number): string | null {
  return inRange(ms) !== null ? null : `${field}: outside 1900-01-01 to 2299-12-31`;
}

/**
 * Why the engine would refuse this record, or null if it would take it: strings that are not well-formed
 * Unicode or longer than `maxStringBytes`, numbers that are not finite, dates outside what the columns
 * hold, more than MAX_ORDER_LINES lines. Reasons name the field, never its value: they are logged.
 */
export function checkRecord(record: IngestRecord, maxStringBytes: number): string | null {
  const str = (field: string, v: string | null | undefined) => checkString(field, v, maxStringBytes);
  switch (record.kind) {
    case 'customer': {
      const r = record.row;
      for (const f of ['id', 'source_id', 'first_name', 'last_name', 'gender', 'email', 'street', 'city', 'postcode', 'country'] as const) {
        const reason = str(f, r[f]);
        if (reason) return reason;
      }
      if (r.dob !== null && !DAY.test(r.dob)) return 'dob: not a YYYY-MM-DD day';
      return null;
    }
    case 'order': {
      const r = record.row;
      const lines = r.item_names.length;
      if (lines > MAX_ORDER_LINES) return `items: more than ${MAX_ORDER_LINES} lines`;
      if (r.item_prices.length !== lines || r.item_quantities.length !== lines) return 'items: prices and quantities do not match the lines';
      const reason =
        str('user_id', r.user_id) ?? str('order_id', r.order_id) ?? str('location', r.location) ?? (r.deleted ? null : checkDate('date', r.date));
      if (reason) return reason;
      for (let i = 0; i < lines; i++) {
        const line = str(`items[${i}].product_name`, r.item_names[i]) ?? checkNumber(`items[${i}].price`, r.item_prices[i]!) ?? checkNumber(`items[${i}].quantity`, r.item_quantities[i]!);
        if (line) return line;
      }
      return null;
    }
    case 'email': {
      const r = record.row;
      return str('user_id', r.user_id) ?? str('email_id', r.email_id) ?? checkDate('date', r.date);
    }
    case 'weblog': {
      const r = record.row;
      return str('user_id', r.user_id) ?? str('page', r.page) ?? str('error_message', r.error_message) ?? checkDate('date', r.date);
    }
    case 'rejected':
      return null;
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A customer's row as it can be stored: a date of birth outside what Date32 holds (1900-2299) is left out,
 * as the MongoDB mapping does, rather than stored as the nearest date it can hold.
 */
export function storableCustomer<R extends { dob: string | null }>(row: R): R {
  return row.dob !== null && DAY.test(row.dob) && (row.dob < MIN_DAY || row.dob > MAX_DAY) ? { ...row, dob: null } : row;
}
