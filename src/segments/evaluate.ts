import { createHash } from 'node:crypto';
import type { ClickHouseStore } from '../store/clickhouse';
import type { CompiledSegments } from './compile';

/** Which customers an evaluation covers: a list, or a range of ids (a recompute walks the ids in ranges). */
export type Selector = { ids: readonly string[] } | { from: string; to: string | null };

/** The MongoDB part of the profile (ProfileDoc in store/rollup.ts), parsed once per row into the typed tuple the fields read. */
const PROFILE_TUPLE =
  'Tuple(c Tuple(dob Nullable(String), country Nullable(String), city Nullable(String), gender Nullable(String)), ' +
  'on Tuple(Float64, Float64, Float64, Nullable(Int64)), in Tuple(Float64, Float64, Float64, Nullable(Int64)), ' +
  'fav Array(Tuple(String, Float64)))';
/** The email part (EmailDates in store/rollup.ts: sent, opened, clicked), kept in a column of its own. */
const EMAIL_TUPLE = 'Tuple(Nullable(Int64), Nullable(Int64), Nullable(Int64))';
/** The order dates of the state (CustomerState in ingest/rollup/state.ts), for first_order. */
const STATE_TUPLE = 'Tuple(on Map(String, Tuple(at Int64)), in Map(String, Tuple(at Int64)))';

const where = (selector: Selector, column: string) =>
  'ids' in selector
    ? `${column} IN {ids:Array(String)}`
    : selector.to === null
      ? `${column} >= {from:String}`
      : `${column} >= {from:String} AND ${column} < {to:String}`;

const selectorParams = (selector: Selector) =>
  'ids' in selector ? { ids: selector.ids } : selector.to === null ? { from: selector.from } : { from: selector.from, to: selector.to };

/**
 * One query for every segment and every customer of the selector: which segments each customer is in now (from
 * their row of customer_rollup, as of `now`), which ones the membership table holds for them, and the next instant
 * at which the clock alone may change a membership. A customer whose details do not exist (never written, or
 * deleted) is in no segment.
 */
export function evaluationQuery(compiled: CompiledSegments, selector: Selector): string {
  const due = compiled.thresholds.length
    ? `arrayMin(arrayFilter(x -> ifNull(x > {now:Int64}, 0), [${compiled.thresholds.join(', ')}]))`
    : 'NULL';
  return `
WITH toDate(fromUnixTimestamp64Milli({now:Int64}, 'UTC')) AS today
SELECT 0 AS stored, user_id, arrayFilter((n, m) -> m = 1, {names:Array(String)}, [${compiled.memberships.join(', ')}]) AS segments,
       CAST(if(${due} = 0, NULL, ${due}) AS Nullable(Int64)) AS due
FROM (
  SELECT user_id, argMaxMerge(profile) AS pj, JSONExtract(pj, '${PROFILE_TUPLE}') AS p,
         JSONExtract(argMaxMerge(email_profile), '${EMAIL_TUPLE}') AS em,
         toUnixTimestamp64Milli(max(last_visit)) AS visit_ms, toUnixTimestamp64Milli(max(last_login)) AS login_ms,
         maxMap(error_seen) AS err_seen, uniqExactMapMerge(error_count) AS err_count
         ${compiled.readsState ? `, JSONExtract(argMaxMerge(state), '${STATE_TUPLE}') AS s` : ''}
  FROM customer_rollup WHERE ${where(selector, 'user_id')} GROUP BY user_id
)
WHERE JSONType(pj, 'c') = 'Object'
UNION ALL
SELECT 1 AS stored, customer_id AS user_id, groupArray(segment) AS segments, CAST(NULL AS Nullable(Int64)) AS due
FROM segment_members FINAL WHERE ${where(selector, 'customer_id')} AND segment IN {names:Array(String)} GROUP BY customer_id`;
}

export type ChangeKind = 'ENTERED' | 'EXITED';

/** A customer entering or leaving a segment, as `segmentChanges` pushes it. */
export interface SegmentChange {
  /** Stable: the same change always has the same id (derived from the membership row's version). */
  id: string;
  segment: string;
  customerId: string;
  kind: ChangeKind;
  at: Date;
}

export interface Evaluated {
  changes: SegmentChange[];
  /** Customers with an instant ahead at which the clock may change a membership (segment_timers). */
  timers: Array<{ customerId: string; due: number }>;
  customers: number;
}

export const changeId = (segment: string, customerId: string, kind: ChangeKind, version: number): string =>
  createHash('sha256').update(`${segment}\u0000${customerId}\u0000${kind}\u0000${version}`).digest('base64url').slice(0, 22);

/**
 * Evaluates the compiled segments for the selected customers at `now` and diffs the result against the stored
 * membership. Writes the timers first, then the membership rows (one version for the whole round), and returns
 * the changes, which the caller publishes: a round that fails part-way is run again and finds what is left.
 */
export async function evaluateAndStore(
  store: ClickHouseStore,
  compiled: CompiledSegments,
  selector: Selector,
  now: number,
  version: number,
): Promise<Evaluated> {
  if (compiled.names.length === 0) return { changes: [], timers: [], customers: 0 };
  const rows = await store.query<{ stored: number; user_id: string; segments: string[]; due: number | null }>(
    'segmentEvaluation',
    evaluationQuery(compiled, selector),
    { ...compiled.params, ...selectorParams(selector), now, names: compiled.names },
  );
  const current = new Map<string, string[]>();
  const stored = new Map<string, string[]>();
  const timers: Evaluated['timers'] = [];
  for (const r of rows) {
    if (r.stored) stored.set(r.user_id, r.segments);
    else {
      current.set(r.user_id, r.segments);
      if (r.due !== null) timers.push({ customerId: r.user_id, due: Number(r.due) });
    }
  }
  const at = new Date(now);
  const changes: SegmentChange[] = [];
  for (const id of new Set([...current.keys(), ...stored.keys()])) {
    const inNow = new Set(current.get(id) ?? []);
    const before = new Set(stored.get(id) ?? []);
    for (const segment of compiled.names) {
      const kind: ChangeKind | null = inNow.has(segment) && !before.has(segment) ? 'ENTERED' : !inNow.has(segment) && before.has(segment) ? 'EXITED' : null;
      if (kind) changes.push({ id: changeId(segment, id, kind, version), segment, customerId: id, kind, at });
    }
  }
  await store.insert(
    'segment_timers',
    timers.map((t) => ({ due: t.due, customer_id: t.customerId })),
  );
  await store.insert(
    'segment_members',
    changes.map((c) => ({ segment: c.segment, customer_id: c.customerId, since: now, version, deleted: c.kind === 'EXITED' ? 1 : 0 })),
  );
  return { changes, timers, customers: current.size };
}
