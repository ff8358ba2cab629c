import { ActivityType, activitySource, summarize, type ActivityEvent } from '../activity/activity';
import type { ClickHouseStore } from '../store/clickhouse';
import { groupByUser, keyedBatch } from './keyed';
import { encodeCursor, type TimelinePosition } from './timeline.cursor';

export interface TimelineArgs {
  first: number;
  after: TimelinePosition | null;
  types: ActivityType[] | null;
}

export interface TimelinePage {
  edges: Array<{ cursor: string; node: ActivityEvent }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

// One row per order, email and page view, in one newest-first order per customer. The detail
// columns (n1, n2, s1, s2) carry what the summary is written from.
// The ORDER BY starts with the tables' sorting key (user_id), so ClickHouse would read each table in key
// order and merge the streams; sorting the few rows read is cheaper: 29-31 against 36-38 ms for 16
// customers, 43-45 against 56-58 for 32, on 1M customers (BENCHMARKS.md). The rows are the same.
const SQL = `
SELECT user_id, type, ms, key, n1, n2, s1, s2 FROM
(
    SELECT user_id, if(channel = 'online', 'ONLINE_ORDER', 'INSTORE_ORDER') AS type,
           toUnixTimestamp64Milli(date) AS ms, order_id AS key,
           toFloat64(length(item_names)) AS n1,
           arraySum((p, q) -> p * q, item_prices, item_quantities) AS n2,
           ifNull(location, '') AS s1, '' AS s2
    FROM orders FINAL WHERE user_id IN {ids:Array(String)}
    UNION ALL
    SELECT user_id, 'EMAIL_SENT', toUnixTimestamp64Milli(date), email_id,
           toFloat64(opened), toFloat64(clicked), email_id, ''
    FROM marketing_emails FINAL WHERE user_id IN {ids:Array(String)}
    UNION ALL
    SELECT user_id,
           multiIf(ifNull(error_message, '') != '', 'WEBSITE_ERROR', page = 'login_success.html', 'LOGIN', 'WEBSITE_VISIT'),
           toUnixTimestamp64Milli(date), event_key, 0, 0, page, ifNull(error_message, '')
    FROM weblogs FINAL WHERE user_id IN {ids:Array(String)}
)
WHERE ({all_types:Bool} OR has({types:Array(String)}, type))
  AND ({from_start:Bool} OR (ms, type, key) < ({after_ms:Int64}, {after_type:String}, {after_key:String}))
ORDER BY user_id, ms DESC, type DESC, key DESC
LIMIT {limit:UInt32} BY user_id
SETTINGS optimize_read_in_order = 0`;

interface Row {
  user_id: string;
  type: ActivityType;
  ms: number;
  key: string;
  n1: number;
  n2: number;
  s1: string;
  s2: string;
}

function toEvent(r: Row): ActivityEvent {
  const detail =
    r.type === ActivityType.ONLINE_ORDER || r.type === ActivityType.INSTORE_ORDER
      ? { items: r.n1, amount: r.n2, location: r.s1 || null }
      : r.type === ActivityType.EMAIL_SENT
        ? { emailId: r.s1, opened: r.n1 === 1, clicked: r.n2 === 1 }
        : { page: r.s1, error: r.s2 || null };
  return {
    customerId: r.user_id,
    type: r.type,
    at: new Date(r.ms),
    summary: summarize(r.type, detail),
    source: activitySource(r.type),
  };
}

function toPage(rows: Row[], first: number): TimelinePage {
  const hasNextPage = rows.length > first;
  const edges = rows.slice(0, first).map((r) => ({
    cursor: encodeCursor({ ms: r.ms, type: r.type, key: r.key }),
    node: toEvent(r),
  }));
  return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}

export function timelineBatch(store: ClickHouseStore) {
  return keyedBatch<TimelineArgs, TimelinePage>(
    (a) => JSON.stringify([a.first, a.after, a.types]),
    async (ids, { first, after, types }) => {
      const rows = await store.query<Row>('timeline', SQL, {
        ids,
        all_types: types === null,
        types: types ?? [],
        from_start: after === null,
        after_ms: after?.ms ?? 0,
        after_type: after?.type ?? '',
        after_key: after?.key ?? '',
        // One row more than asked tells whether there is a next page.
        limit: first + 1,
      });
      const byUser = groupByUser(rows, (r) => r);
      return new Map([...byUser].map(([id, list]) => [id, toPage(list, first)]));
    },
    () => ({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } }),
  );
}
