import { activityEvent, type ActivityDetail, type ActivityEvent, type ActivityType } from '../activity/activity';
import { encodeCursor, type TimelinePosition } from './timeline.cursor';

export interface TimelineArgs {
  first: number;
  after: TimelinePosition | null;
  types: ActivityType[] | null;
}

/** A page of a timeline, with PageInfo as the Relay connection spec has it. */
export interface TimelinePage {
  edges: Array<{ cursor: string; node: ActivityEvent }>;
  pageInfo: { hasPreviousPage: boolean; hasNextPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** The loader key of a timeline page: arguments that are equal share one branch of a query. */
export const timelineArgsKey = (a: TimelineArgs) => JSON.stringify([a.first, a.after, a.types]);

/** `b` of the row that shows an entry at or before `after` (PageInfo.hasPreviousPage); page rows have ''. */
const PREVIOUS = 'previous';

/**
 * The timeline branch of a profile query: one customer's page is one range read of `activity`, newest first,
 * ties by type and key (the cursor's order). One row more than asked tells whether there is a next page.
 * With `after`, one more row from the other side of the cursor (the entry nearest to it, at or before it
 * in the timeline's order, within the same types) tells whether there is a previous page.
 * Its columns match the rollup branch's (rollup.part.ts): `a` is the payload, `ms`, `t`, `k` the position.
 * The SQL holds only the conditions the arguments need: a condition that is true for every row (no type
 * filter, no cursor) still costs the engine its evaluation per row, about a third of the read (BENCHMARKS.md).
 */
export function timelineBranch(part: number, p: string, { first, after, types }: TimelineArgs): { sql: string; params: Record<string, unknown> } {
  const filters = [`user_id IN {${p}ids:Array(String)}`, ...(types ? [`has({${p}types:Array(String)}, type)`] : [])];
  const position = `(toUnixTimestamp64Milli(at), type, key)`;
  const cursor = `({${p}after_ms:Int64}, {${p}after_type:String}, {${p}after_key:String})`;
  const page = `
SELECT ${part} AS part, user_id, payload AS a, '' AS b, toUnixTimestamp64Milli(at) AS ms, NULL AS ms2, toString(type) AS t, key AS k
FROM (
    SELECT user_id, at, type, key, payload FROM activity FINAL
    WHERE ${[...filters, ...(after ? [`${position} < ${cursor}`] : [])].join(' AND ')}
    ORDER BY user_id, at DESC, type DESC, key DESC
    LIMIT {${p}limit:UInt32} BY user_id
)`;
  const previous = `
SELECT ${part} AS part, user_id, '' AS a, '${PREVIOUS}' AS b, toUnixTimestamp64Milli(at) AS ms, NULL AS ms2, toString(type) AS t, key AS k
FROM (
    SELECT user_id, at, type, key FROM activity FINAL
    WHERE ${[...filters, `${position} >= ${cursor}`].join(' AND ')}
    ORDER BY user_id, at, type, key
    LIMIT 1 BY user_id
)`;
  return {
    sql: after ? `${page}\nUNION ALL${previous}` : page,
    params: {
      [`${p}limit`]: first + 1,
      ...(types ? { [`${p}types`]: types } : {}),
      ...(after ? { [`${p}after_ms`]: after.ms, [`${p}after_type`]: after.type, [`${p}after_key`]: after.key } : {}),
    },
  };
}

export interface TimelineRow {
  user_id: string;
  a: string;
  /** '' for an entry of the page (or the one after it), PREVIOUS for the entry that shows a previous page. */
  b?: string;
  ms: number;
  t: string;
  k: string;
}

/**
 * A customer's rows of the timeline branch as a page. PageInfo follows the Relay connection spec: the cursors
 * are the first and last edges' (null without edges), hasNextPage says whether an entry follows the page, and
 * hasPreviousPage (paging forward with `after`) whether an entry precedes it: at or before `after`.
 */
export function toPage(rows: readonly TimelineRow[], first: number): TimelinePage {
  const entries = rows.filter((r) => r.b !== PREVIOUS);
  const edges = entries.slice(0, first).map((r) => ({
    cursor: encodeCursor({ ms: r.ms, type: r.t, key: r.k }),
    node: activityEvent(r.user_id, r.t as ActivityType, r.ms, r.k, JSON.parse(r.a) as ActivityDetail),
  }));
  return {
    edges,
    pageInfo: {
      hasPreviousPage: entries.length < rows.length,
      hasNextPage: entries.length > first,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

export const EMPTY_PAGE: TimelinePage = { edges: [], pageInfo: { hasPreviousPage: false, hasNextPage: false, startCursor: null, endCursor: null } };
