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
 */
export const TIMELINE_BRANCH = (part: number, p: string) => `
SELECT ${part} AS part, user_id, payload AS a, '' AS b, toUnixTimestamp64Milli(at) AS ms, toString(type) AS t, key AS k
FROM (
    SELECT user_id, at, type, key, payload FROM activity FINAL
    WHERE user_id IN {${p}ids:Array(String)}
      AND ({${p}all_types:Bool} OR has({${p}types:Array(String)}, type))
      AND ({${p}from_start:Bool} OR (toUnixTimestamp64Milli(at), type, key) < ({${p}after_ms:Int64}, {${p}after_type:String}, {${p}after_key:String}))
    ORDER BY user_id, at DESC, type DESC, key DESC
    LIMIT {${p}limit:UInt32} BY user_id
)
UNION ALL
SELECT ${part} AS part, user_id, '' AS a, '${PREVIOUS}' AS b, toUnixTimestamp64Milli(at) AS ms, toString(type) AS t, key AS k
FROM (
    SELECT user_id, at, type, key FROM activity FINAL
    WHERE NOT {${p}from_start:Bool} AND user_id IN {${p}ids:Array(String)}
      AND ({${p}all_types:Bool} OR has({${p}types:Array(String)}, type))
      AND (toUnixTimestamp64Milli(at), type, key) >= ({${p}after_ms:Int64}, {${p}after_type:String}, {${p}after_key:String})
    ORDER BY user_id, at, type, key
    LIMIT 1 BY user_id
)`;

export function timelineParams(p: string, ids: readonly string[], { first, after, types }: TimelineArgs): Record<string, unknown> {
  return {
    [`${p}ids`]: ids,
    [`${p}all_types`]: types === null,
    [`${p}types`]: types ?? [],
    [`${p}from_start`]: after === null,
    [`${p}after_ms`]: after?.ms ?? 0,
    [`${p}after_type`]: after?.type ?? '',
    [`${p}after_key`]: after?.key ?? '',
    [`${p}limit`]: first + 1,
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
