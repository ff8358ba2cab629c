import type { ActivityType } from '../activity/activity';
import type { Config } from '../config';
import { assertIntInRange } from '../errors';
import type { ClickHouseStore } from '../store/clickhouse';
import { compareCodePoints } from '../store/rollup';
import { decodeErrors, decodeRollup, emptyRollup, ERRORS_BRANCH, ROLLUP_BRANCH, type CustomerRollup, type WebError } from './rollup.part';
import { decodeCursor } from './timeline.cursor';
import { EMPTY_PAGE, timelineArgsKey, timelineBranch, toPage, type TimelineArgs, type TimelinePage, type TimelineRow } from './timeline.part';

/**
 * A profile is three parts: the customer's rollup (details and the aggregates), their page-view errors (from the
 * same row, read only when asked) and timeline pages. A key asks for one of them; keys gathered in one batch
 * become one query (profileBatch below).
 */
export type ProfileKey = { part: 'rollup'; id: string } | { part: 'errors'; id: string } | { part: 'timeline'; id: string; args: TimelineArgs };
export type ProfileValue = CustomerRollup | WebError[] | TimelinePage;

export const profileCacheKey = (k: ProfileKey): string =>
  k.part === 'timeline' ? `t\u0000${k.id}\u0000${timelineArgsKey(k.args)}` : `${k.part}\u0000${k.id}`;

type Limits = Config['limits'];
type FieldArgs = Record<string, unknown>;

/**
 * A Customer field served by a profile part: which load it needs for a customer and its (validated)
 * arguments, and for list fields the argument that sizes the list and the limit that bounds it. The field
 * resolvers, the prefetch (resolvers/prefetch.ts) and the cost rules (limits/cost.ts) all read this list.
 */
export interface ProfileField {
  field: string;
  key(id: string, args: FieldArgs, limits: Limits): ProfileKey;
  size?: { arg: string; bound: 'maxFirst' | 'maxLimit' };
}

const rollupKey = (id: string): ProfileKey => ({ part: 'rollup', id });

/** `limit` of favouriteProducts and recentErrors, validated. */
export function listLimit(args: FieldArgs, limits: Limits): number {
  const limit = args['limit'] as number;
  assertIntInRange('limit', limit, 0, limits.maxLimit);
  return limit;
}

/** `timeline(first, after, types)` as a loader key, validated. */
export function timelineArgs(args: FieldArgs, limits: Limits): TimelineArgs {
  const first = args['first'] as number;
  const after = args['after'] as string | null | undefined;
  const types = args['types'] as readonly ActivityType[] | null | undefined;
  assertIntInRange('first', first, 0, limits.maxFirst);
  // Only null or an absent `after` starts from the top; "" is a malformed cursor, not a restart.
  const position = after === null || after === undefined ? null : decodeCursor(after);
  return { first, after: position, types: types ? [...new Set(types)].sort() : null };
}

export const PROFILE_FIELDS: readonly ProfileField[] = [
  { field: 'purchaseStats', key: rollupKey },
  { field: 'lastActivity', key: rollupKey },
  {
    field: 'favouriteProducts',
    key: (id, args, limits) => (listLimit(args, limits), rollupKey(id)),
    size: { arg: 'limit', bound: 'maxLimit' },
  },
  {
    field: 'recentErrors',
    key: (id, args, limits) => (listLimit(args, limits), { part: 'errors', id }),
    size: { arg: 'limit', bound: 'maxLimit' },
  },
  {
    field: 'timeline',
    key: (id, args, limits) => ({ part: 'timeline', id, args: timelineArgs(args, limits) }),
    size: { arg: 'first', bound: 'maxFirst' },
  },
];

export const PROFILE_FIELD_BY_NAME: ReadonlyMap<string, ProfileField> = new Map(PROFILE_FIELDS.map((f) => [f.field, f]));

interface Row extends TimelineRow {
  part: number;
  ms2: number | null;
}

/**
 * Reading in key order makes the engine merge each customer's range in order for the timeline's ORDER BY; sorting
 * the few rows read is cheaper (8.7 against 13.3 ms for 32 customers at 1M customers, BENCHMARKS.md). One thread
 * per query: a point read gains nothing from more, and the embedded engine runs one query at a time anyway, so
 * the other core stays with the JavaScript that serves the answers.
 */
const PROFILE_SETTINGS = 'SETTINGS optimize_read_in_order = 0, max_threads = 1';

const ROLLUP_PART = 0;
const ERRORS_PART = 1;

/** Newest first, ties by type then key, as the timeline query sorts (ClickHouse compares Strings by bytes). */
const newestFirst = (x: TimelineRow, y: TimelineRow) => y.ms - x.ms || compareCodePoints(y.t, x.t) || compareCodePoints(y.k, x.k);

/**
 * Loads any mix of profile parts for many customers in one ClickHouse query: a rollup branch for every
 * customer whose rollup is asked for, and a timeline branch for each distinct set of timeline arguments,
 * joined by UNION ALL. The engine's fixed cost per query is several milliseconds here, so a batch costs one.
 */
export function profileBatch(store: ClickHouseStore) {
  return async (keys: readonly ProfileKey[]): Promise<ProfileValue[]> => {
    const rollupIds = new Set<string>();
    const errorIds = new Set<string>();
    const timelines = new Map<string, { part: number; args: TimelineArgs; ids: Set<string> }>();
    for (const k of keys) {
      if (k.part === 'rollup') rollupIds.add(k.id);
      else if (k.part === 'errors') errorIds.add(k.id);
      else {
        const argsKey = timelineArgsKey(k.args);
        let group = timelines.get(argsKey);
        if (!group) timelines.set(argsKey, (group = { part: timelines.size + 2, args: k.args, ids: new Set() }));
        group.ids.add(k.id);
      }
    }
    const branches: string[] = [];
    const params: Record<string, unknown> = {};
    if (rollupIds.size > 0) {
      branches.push(ROLLUP_BRANCH(ROLLUP_PART, 'r_ids'));
      params['r_ids'] = [...rollupIds];
    }
    if (errorIds.size > 0) {
      branches.push(ERRORS_BRANCH(ERRORS_PART, 'e_ids'));
      params['e_ids'] = [...errorIds];
    }
    for (const { part, args, ids } of timelines.values()) {
      const branch = timelineBranch(part, `t${part}_`, args);
      branches.push(branch.sql);
      Object.assign(params, branch.params, { [`t${part}_ids`]: [...ids] });
    }
    const rows = await store.query<Row>('profile', `${branches.join('\nUNION ALL\n')}\n${PROFILE_SETTINGS}`, params);

    const rollups = new Map<string, CustomerRollup>();
    const errors = new Map<string, WebError[]>();
    const pages = new Map<string, TimelineRow[]>();
    for (const r of rows) {
      if (r.part === ROLLUP_PART) rollups.set(r.user_id, decodeRollup(r.user_id, r.a, r.b ?? '', r.ms, r.ms2));
      else if (r.part === ERRORS_PART) errors.set(r.user_id, decodeErrors(r.a));
      else {
        const key = `${r.part}\u0000${r.user_id}`;
        const list = pages.get(key);
        if (list) list.push(r);
        else pages.set(key, [r]);
      }
    }
    return keys.map((k) => {
      if (k.part === 'rollup') return rollups.get(k.id) ?? emptyRollup(k.id);
      if (k.part === 'errors') return errors.get(k.id) ?? [];
      const group = timelines.get(timelineArgsKey(k.args))!;
      const list = pages.get(`${group.part}\u0000${k.id}`);
      return list ? toPage(list.sort(newestFirst), k.args.first) : EMPTY_PAGE;
    });
  };
}
