/**
 * The fields a segment condition may name: an allow-list, each with its type and the ClickHouse expression that
 * computes it over one customer's rollup row (the columns of EVALUATION_BASE in evaluate.ts). A field's SQL is
 * fixed text written here; a condition adds only parameters (`{name:Type}`), never text of its own.
 */

export type FieldType = 'number' | 'string' | 'time';

export interface FieldSpec {
  name: string;
  type: FieldType;
  description: string;
  /** The expression; Nullable where a customer may have no value. Times are epoch milliseconds (Int64). */
  sql: string;
  /** A field written `name(argument)` (a page): its SQL reads the argument as `{arg}`, replaced by a parameter. */
  argument?: 'page';
  /** Compared values are upper-cased first (product names are stored upper-cased). */
  upperCase?: boolean;
  /** Reads the customer's full state (every order), which costs more than the profile alone. */
  readsState?: boolean;
  /**
   * SQL of the next instant (epoch ms) at which the field's value changes by the clock alone, for fields that
   * depend on today (age): the schedule re-evaluates the customer then.
   */
  changesAt?: string;
}

/** The latest of nullable epoch-ms values, or NULL when all are NULL. */
const latest = (...values: string[]) => `arrayMax(arrayFilter(x -> isNotNull(x), [${values.join(', ')}]))`;
const nullIfEmpty = (array: string, reduce: string) => `if(empty(${array}), NULL, ${reduce}(${array}))`;

/** Completed years from the date of birth to today (UTC), as SPEC defines age: a birthday not yet reached does not count. */
const DOB = 'toDate32OrNull(p.c.dob)';
const AGE = `if(isNull(${DOB}), NULL, toInt64(toYear(today) - toYear(${DOB}) - ((toMonth(today), toDayOfMonth(today)) < (toMonth(${DOB}), toDayOfMonth(${DOB})))))`;
/** The next birthday after today (for 29 February in other years: the 1st of March, when SPEC's age counts it). */
const NEXT_BIRTHDAY = `if(isNull(${DOB}), NULL, toUnixTimestamp64Milli(toDateTime64(greatest(addYears(${DOB}, ${AGE} + 1), today + 1), 3, 'UTC')))`;

/** Error groups are stored as JSON [message, page]; these select the groups of one page. */
const PAGE_OF_GROUP = (group: string) => `JSONExtractString(${group}, 2)`;

export const FIELDS: readonly FieldSpec[] = [
  { name: 'total_spent', type: 'number', description: 'amount spent in both channels', sql: 'p.on.3 + p.in.3' },
  { name: 'online_spent', type: 'number', description: 'amount spent online', sql: 'p.on.3' },
  { name: 'instore_spent', type: 'number', description: 'amount spent in store', sql: 'p.in.3' },
  { name: 'total_orders', type: 'number', description: 'orders in both channels', sql: 'p.on.1 + p.in.1' },
  { name: 'online_orders', type: 'number', description: 'online orders', sql: 'p.on.1' },
  { name: 'instore_orders', type: 'number', description: 'in-store orders', sql: 'p.in.1' },
  { name: 'total_items', type: 'number', description: 'order lines in both channels', sql: 'p.on.2 + p.in.2' },
  { name: 'error_count', type: 'number', description: 'website errors seen (each page view once)', sql: 'arraySum(mapValues(err_count))' },
  {
    name: 'error_count',
    type: 'number',
    argument: 'page',
    description: 'website errors seen on one page, e.g. error_count(checkout.html)',
    sql: `arraySum(mapValues(mapFilter((k, v) -> ${PAGE_OF_GROUP('k')} = {arg}, err_count)))`,
  },
  { name: 'age', type: 'number', description: 'completed years since the date of birth', sql: AGE, changesAt: NEXT_BIRTHDAY },
  { name: 'country', type: 'string', description: 'country of the address', sql: 'p.c.country' },
  { name: 'city', type: 'string', description: 'city of the address', sql: 'p.c.city' },
  { name: 'gender', type: 'string', description: 'gender as the customer document holds it', sql: 'p.c.gender' },
  {
    name: 'favourite_product',
    type: 'string',
    upperCase: true,
    description: 'the most purchased product (upper-cased; compared case-insensitively)',
    sql: 'if(empty(p.fav), NULL, p.fav[1].1)',
  },
  { name: 'last_order', type: 'time', description: 'latest order in either channel', sql: latest('p.on.4', 'p.in.4') },
  { name: 'last_online_order', type: 'time', description: 'latest online order', sql: 'p.on.4' },
  { name: 'last_instore_order', type: 'time', description: 'latest in-store order', sql: 'p.in.4' },
  {
    name: 'first_order',
    type: 'time',
    readsState: true,
    description: 'earliest order in either channel',
    sql: nullIfEmpty('arrayMap(o -> o.1, arrayConcat(mapValues(s.on), mapValues(s.in)))', 'arrayMin'),
  },
  { name: 'last_email_sent', type: 'time', description: 'latest marketing email sent', sql: 'em.1' },
  { name: 'last_email_opened', type: 'time', description: 'latest marketing email opened', sql: 'em.2' },
  { name: 'last_email_clicked', type: 'time', description: 'latest marketing email clicked', sql: 'em.3' },
  { name: 'last_visit', type: 'time', description: 'latest website page view', sql: 'visit_ms' },
  { name: 'last_login', type: 'time', description: 'latest successful login', sql: 'login_ms' },
  { name: 'last_error', type: 'time', description: 'latest website error', sql: nullIfEmpty('err_seen.2', 'arrayMax') },
  {
    name: 'last_error',
    type: 'time',
    argument: 'page',
    description: 'latest website error on one page, e.g. last_error(checkout.html)',
    sql: nullIfEmpty(`arrayFilter((ms, k) -> ${PAGE_OF_GROUP('k')} = {arg}, err_seen.2, err_seen.1)`, 'arrayMax'),
  },
];

/** `name` or `name(argument)`. */
const FIELD_REF = /^([a-z_]+)(?:\(([^)]*)\))?$/;

/** The field a condition names, or why it names none. */
export function resolveField(ref: string): { field: FieldSpec; argument?: string } | { error: string } {
  const match = FIELD_REF.exec(ref);
  const name = match?.[1];
  const argument = match?.[2]?.trim();
  const candidates = FIELDS.filter((f) => f.name === name);
  if (!match || candidates.length === 0) {
    return { error: `unknown field "${ref}"; the fields are ${[...new Set(FIELDS.map((f) => (f.argument ? `${f.name}(${f.argument})` : f.name)))].join(', ')}` };
  }
  const field = candidates.find((f) => (f.argument !== undefined) === (argument !== undefined));
  if (!field) {
    return { error: argument !== undefined ? `field "${name}" takes no (argument)` : `field "${name}" needs an argument: ${name}(${candidates[0]!.argument})` };
  }
  if (argument === '') return { error: `field "${ref}": the argument is empty` };
  return argument === undefined ? { field } : { field, argument };
}
