import type { Document } from 'mongodb';
import type { CustomerRow } from '../records';
import { accept, parseCalendarDate, reject, requiredString, typeName, type Parsed } from '../validation';
import { idString, optionalObject, optionalStrings } from './document';

const NAME_FIELDS = ['first_name', 'last_name', 'gender', 'email'] as const;
const ADDRESS_FIELDS = ['street', 'city', 'postcode', 'country'] as const;

/**
 * A `customers` document as a row: `{ _id, id, first_name, last_name, gender, dob, email,
 * address: { street, city, postcode, country } }`. `dob` is a YYYY-MM-DD string or a Date.
 */
export function customerRow(doc: Document): Parsed<CustomerRow> {
  const sourceId = idString(doc['_id']);
  if (sourceId === null) return reject('_id: missing');
  const id = requiredString(doc, 'id');
  if (!id.ok) return id;
  const names = optionalStrings(doc, NAME_FIELDS);
  if (!names.ok) return names;
  let dob: string | null = null;
  const rawDob: unknown = doc['dob'];
  if (rawDob !== undefined && rawDob !== null && rawDob !== '') {
    const parsed = parseCalendarDate(rawDob);
    if (parsed === null) {
      // A date of birth is personal data: the reason says what was wrong, not what it was.
      return reject(`dob: expected a YYYY-MM-DD string or a Date, got ${typeof rawDob === 'string' ? 'another string' : typeName(rawDob)}`);
    }
    // ClickHouse's Date32 holds 1900-2299; a date outside is kept out rather than clamped to a wrong one.
    dob = parsed.storable ? parsed.date : null;
  }
  const address = optionalObject(doc, 'address');
  if (!address.ok) return address;
  const parts = address.value ? optionalStrings(address.value, ADDRESS_FIELDS, 'address.') : accept(null);
  if (!parts.ok) return parts;
  return accept({
    id: id.value,
    source_id: sourceId,
    ...names.value,
    dob,
    street: parts.value?.street ?? null,
    city: parts.value?.city ?? null,
    postcode: parts.value?.postcode ?? null,
    country: parts.value?.country ?? null,
  });
}

/** The row that marks a customer deleted (FINAL reads drop it). */
export function customerTombstone(sourceId: string, id: string): CustomerRow {
  return {
    id,
    source_id: sourceId,
    first_name: null,
    last_name: null,
    gender: null,
    dob: null,
    email: null,
    street: null,
    city: null,
    postcode: null,
    country: null,
    deleted: 1,
  };
}
