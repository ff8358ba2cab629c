import type { ActivityEvent } from '../activity/activity';
import { profileBatch } from '../loaders/parts';
import type { CustomerRollup, WebError } from '../loaders/rollup.part';
import type { TimelinePage } from '../loaders/timeline.part';
import type { ClickHouseStore } from '../store/clickhouse';
import { referenceProfiles } from './reference';

export interface Mismatch {
  customerId: string;
  /** A path into the profile: purchaseStats.online.amountSpent, timeline[3].summary… */
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface VerifyResult {
  customers: number;
  /** Fields compared in all. */
  fields: number;
  mismatches: Mismatch[];
  ms: number;
}

/** Customers compared per step. */
const CHUNK = 500;
/** Every entry of a timeline is compared. */
const WHOLE_TIMELINE = 1_000_000;

/**
 * Money is summed in a different order by the engine and by the rollups: equal within 1e-9 of its size.
 * Everything else must be equal exactly.
 */
function same(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number' && !Number.isInteger(expected + actual)) {
    return Math.abs(expected - actual) <= 1e-9 * Math.max(1, Math.abs(expected));
  }
  if (expected instanceof Date || actual instanceof Date) {
    return expected instanceof Date && actual instanceof Date && expected.getTime() === actual.getTime();
  }
  return expected === actual;
}

/** Compares two values field by field, recording each leaf that differs under its path. */
function compare(customerId: string, path: string, expected: unknown, actual: unknown, out: Mismatch[]): number {
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !(v instanceof Date);
  if (Array.isArray(expected) && Array.isArray(actual)) {
    let n = compare(customerId, `${path}.length`, expected.length, actual.length, out);
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) n += compare(customerId, `${path}[${i}]`, expected[i], actual[i], out);
    return n;
  }
  if (isObject(expected) && isObject(actual)) {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    let n = 0;
    for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) n += compare(customerId, path ? `${path}.${key}` : key, e[key] ?? null, a[key] ?? null, out);
    return n;
  }
  if (!same(expected, actual)) out.push({ customerId, field: path, expected, actual });
  return 1;
}

const comparableEvent = ({ at, ...rest }: ActivityEvent) => ({ ...rest, at: at.toISOString() });

/**
 * Recomputes these customers' profiles from the source tables (reference.ts) and compares every field with
 * what the gateway serves from the rollups: details, purchase stats, every favourite, last activity, every
 * error group and the whole timeline.
 */
export async function verifyProfiles(store: ClickHouseStore, ids: readonly string[]): Promise<VerifyResult> {
  const started = Date.now();
  const load = profileBatch(store);
  const mismatches: Mismatch[] = [];
  let fields = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const reference = await referenceProfiles(store, chunk);
    const served = await load([
      ...chunk.map((id) => ({ part: 'rollup' as const, id })),
      ...chunk.map((id) => ({ part: 'errors' as const, id })),
      ...chunk.map((id) => ({ part: 'timeline' as const, id, args: { first: WHOLE_TIMELINE, after: null, types: null } })),
    ]);
    chunk.forEach((id, j) => {
      const expected = reference.get(id)!;
      const rollup = served[j] as CustomerRollup;
      const errors = served[chunk.length + j] as WebError[];
      const page = served[2 * chunk.length + j] as TimelinePage;
      fields += compare(id, '', expected.rollup, rollup, mismatches);
      fields += compare(id, 'recentErrors', expected.errors, errors, mismatches);
      fields += compare(id, 'timeline', expected.timeline.map(comparableEvent), page.edges.map((e) => comparableEvent(e.node)), mismatches);
    });
  }
  return { customers: ids.length, fields, mismatches, ms: Date.now() - started };
}

/** `n` customers drawn uniformly from every customer id the tables know. */
export async function sampleCustomers(store: ClickHouseStore, n: number, seed = Date.now()): Promise<string[]> {
  const rows = await store.query<{ id: string }>(
    'verifySample',
    `SELECT id FROM (SELECT DISTINCT id FROM (SELECT id FROM customers UNION ALL SELECT user_id AS id FROM activity))
     ORDER BY cityHash64(id, {seed:UInt64}) LIMIT {n:UInt32}`,
    { n, seed },
  );
  return rows.map((r) => r.id);
}
