import type { ActivityType } from '../activity/activity';
import type { Config } from '../config';
import { assertIntInRange } from '../errors';
import type { ClickHouseStore } from '../store/clickhouse';
import { compareCodePoints } from '../store/rollup';
import { decodeRollup, emptyRollup, ROLLUP_BRANCH, type CustomerRollup } from './rollup.part';
import { decodeCursor } from './timeline.cursor';
import { EMPTY_PAGE, TIMELINE_BRANCH, timelineArgsKey, timelineParams, toPage, type TimelineArgs, type TimelinePage, type TimelineRow } from './timeline.part';

/**
 * A profile is two parts: the customer's rollup row (details and every aggregate) and a timeline page. A key
 * asks for one of them; keys gathered in one batch become one query (profileBatch below).
 */
export type ProfileKey = { part: 'rollup'; id: string } | { part: 'timeline'; id: string; args: TimelineArgs };
export type ProfileValue<K extends ProfileKey> = K extends { part: 'rollup' } ? CustomerRollup : TimelinePage;

export const profileCacheKey = (k: ProfileKey): string =>
  k.part === 'rollup' ? `r\u0000${k.id}` : `t\u0000${k.id}\u0000${timelineArgsKey(k.args)}`;

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
    key: (id, args, limits) => (listLimit(args, limits), rollupKey(id)),
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
  b: string;
}

/** Newest first, ties by type then key, as the timeline query sorts (ClickHouse compares Strings by bytes). */
const newestFirst = (x: TimelineRow, y: TimelineRow) => y.ms - x.ms || compareCodePoints(y.t, x.t) || compareCodePoints(y.k, x.k);

/**
 * Loads any mix of profile parts for many customers in one ClickHouse query: a rollup branch for every
 * customer whose rollup is asked for, and a timeline branch for each distinct set of timeline arguments,
 * joined by UNION ALL. The engine's fixed cost per query is several milliseconds here, so a batch costs one.
 */
export function profileBatch(store: ClickHouseStore) {
  return async (keys: readonly ProfileKey[]): Promise<Array<CustomerRollup | TimelinePage>> => {
    const rollupIds = new Set<string>();
    const timelines = new Map<string, { part: number; args: TimelineArgs; ids: Set<string> }>();
    for (const k of keys) {
      if (k.part === 'rollup') rollupIds.add(k.id);
      else {
        const argsKey = timelineArgsKey(k.args);
        let group = timelines.get(argsKey);
        if (!group) timelines.set(argsKey, (group = { part: timelines.size + 1, args: k.args, ids: new Set() }));
        group.ids.add(k.id);
      }
    }
    const branches: string[] = [];
    const params: Record<string, unknown> = {};
    if (rollupIds.size > 0) {
      branches.push(ROLLUP_BRANCH(0, 'r_ids'));
      params['r_ids'] = [...rollupIds];
    }
    for (const { part, args, ids } of timelines.values()) {
      branches.push(TIMELINE_BRANCH(part, `t${part}_`));
      Object.assign(params, timelineParams(`t${part}_`, [...ids], args));
    }
    const rows = await store.query<Row>('profile', branches.join('\nUNION ALL\n'), params);

    const rollups = new Map<string, CustomerRollup>();
    const pages = new Map<string, TimelineRow[]>();
    for (const r of rows) {
      if (r.part === 0) rollups.set(r.user_id, decodeRollup(r.user_id, r.a, r.b));
      else {
        const key = `${r.part}\u0000${r.user_id}`;
        const list = pages.get(key);
        if (list) list.push(r);
        else pages.set(key, [r]);
      }
    }
    return keys.map((k) => {
      if (k.part === 'rollup') return rollups.get(k.id) ?? emptyRollup(k.id);
      const group = timelines.get(timelineArgsKey(k.args))!;
      const list = pages.get(`${group.part}\u0000${k.id}`);
      return list ? toPage(list.sort(newestFirst), k.args.first) : EMPTY_PAGE;
    });
  };
}
