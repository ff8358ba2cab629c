import type { Document } from 'mongodb';
import { accept, reject, typeName, type Parsed } from '../validation';

/** A document's `_id` as the string the tables keep: an ObjectId as its hex, a string as itself. */
export function idString(id: unknown): string | null {
  if (typeof id === 'string') return id;
  if (typeof id === 'number' || typeof id === 'bigint') return String(id);
  if (id && typeof id === 'object') {
    const value = id as { _bsontype?: string; toHexString?: () => string; toString(): string };
    if (value._bsontype === 'ObjectId' && typeof value.toHexString === 'function') return value.toHexString();
    if (value._bsontype) return value.toString();
    return JSON.stringify(id);
  }
  return null;
}

/** A number from a BSON numeric value (double, int, long, Decimal128), or null. */
export function bsonNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (v && typeof v === 'object') {
    const bson = (v as { _bsontype?: string })._bsontype;
    if (bson === 'Decimal128' || bson === 'Long' || bson === 'Int32' || bson === 'Double') {
      const n = Number(String(v));
      return Number.isFinite(n) ? n : null;
    }
  }
  return null;
}

export function isPlainObject(v: unknown): v is Document {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v as { _bsontype?: string })._bsontype && !(v instanceof Date);
}

/** An object field that may be absent or null; anything else is a wrong type. */
export function optionalObject(doc: Document, field: string): Parsed<Document | null> {
  const v: unknown = doc[field];
  if (v === undefined || v === null) return accept(null);
  if (!isPlainObject(v)) return reject(`${field}: expected an object, got ${typeName(v)}`);
  return accept(v);
}

/** Fields of `doc` as optional strings, under `prefix` in the reason. */
export function optionalStrings<K extends string>(doc: Document, fields: readonly K[], prefix = ''): Parsed<Record<K, string | null>> {
  const out = {} as Record<K, string | null>;
  for (const field of fields) {
    const v: unknown = doc[field];
    if (v === undefined || v === null || v === '') out[field] = null;
    else if (typeof v === 'string') out[field] = v;
    else return reject(`${prefix}${field}: expected a string or null, got ${typeName(v)}`);
  }
  return accept(out);
}
