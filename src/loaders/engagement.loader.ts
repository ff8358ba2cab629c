import { LOGIN_PAGE } from '../activity/activity';
import type { ClickHouseStore } from '../store/clickhouse';

/** The email and website parts of `lastActivity`; the order parts come from purchase stats. */
export interface Engagement {
  lastEmailSent: Date | null;
  lastEmailOpened: Date | null;
  lastEmailClicked: Date | null;
  lastWebsiteVisit: Date | null;
  lastLogin: Date | null;
}

const SQL = `
SELECT user_id,
       toUnixTimestamp64Milli(max(date)) AS a,
       toUnixTimestamp64Milli(maxIfOrNull(date, opened = 1)) AS b,
       toUnixTimestamp64Milli(maxIfOrNull(date, clicked = 1)) AS c,
       'email' AS source
FROM marketing_emails FINAL
WHERE user_id IN {ids:Array(String)}
GROUP BY user_id
UNION ALL
SELECT user_id,
       toUnixTimestamp64Milli(max(date)) AS a,
       toUnixTimestamp64Milli(maxIfOrNull(date, page = {login:String})) AS b,
       NULL AS c,
       'web' AS source
FROM weblogs FINAL
WHERE user_id IN {ids:Array(String)}
GROUP BY user_id`;

interface Row {
  user_id: string;
  a: number;
  b: number | null;
  c: number | null;
  source: 'email' | 'web';
}

const date = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms));

export function engagementBatch(store: ClickHouseStore) {
  return async (ids: readonly string[]): Promise<Engagement[]> => {
    const rows = await store.query<Row>('engagement', SQL, { ids, login: LOGIN_PAGE });
    const email = new Map(rows.filter((r) => r.source === 'email').map((r) => [r.user_id, r]));
    const web = new Map(rows.filter((r) => r.source === 'web').map((r) => [r.user_id, r]));
    return ids.map((id) => {
      const e = email.get(id);
      const w = web.get(id);
      return {
        lastEmailSent: date(e?.a),
        lastEmailOpened: date(e?.b),
        lastEmailClicked: date(e?.c),
        lastWebsiteVisit: date(w?.a),
        lastLogin: date(w?.b),
      };
    });
  };
}
