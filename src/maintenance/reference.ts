import { ActivityType, activityEvent, LOGIN_PAGE, type ActivityDetail } from '../activity/activity';
import { purchaseStats, type ChannelStats, type CustomerRollup, type FavouriteProduct, type WebError } from '../loaders/rollup.part';
import type { TimelinePage } from '../loaders/timeline.part';
import type { ClickHouseStore } from '../store/clickhouse';
import type { CustomerDetails } from '../store/rollup';

/**
 * Profiles recomputed from the source tables alone, the way they were computed before there were rollups:
 * SPEC's semantics as SQL over `customers`, `orders`, `marketing_emails` (FINAL: the latest version of each
 * record) and the page views in `activity`. Order and email timeline entries come from their source tables,
 * not from `activity`, so a wrong or missing activity row shows as a difference.
 */
export interface ReferenceProfile {
  rollup: CustomerRollup;
  errors: WebError[];
  timeline: TimelinePage['edges'][number]['node'][];
}

const WEB = `type IN ('${ActivityType.WEBSITE_VISIT}', '${ActivityType.LOGIN}', '${ActivityType.WEBSITE_ERROR}')`;

const CUSTOMERS = `SELECT id, first_name, last_name, gender, toString(dob) AS dob, email, street, city, postcode, country
FROM customers FINAL WHERE id IN {ids:Array(String)}`;

const PURCHASES = `SELECT user_id, toString(channel) AS channel, count() AS orders, sum(length(item_names)) AS items,
       sum(arraySum((p, q) -> p * q, item_prices, item_quantities)) AS amount, toUnixTimestamp64Milli(max(date)) AS last_ms
FROM orders FINAL WHERE user_id IN {ids:Array(String)} GROUP BY user_id, channel`;

const FAVOURITES = `SELECT user_id, upperUTF8(name) AS product, count() AS purchases
FROM orders FINAL ARRAY JOIN item_names AS name WHERE user_id IN {ids:Array(String)}
GROUP BY user_id, product ORDER BY user_id, purchases DESC, product ASC`;

const EMAILS = `SELECT user_id, toUnixTimestamp64Milli(max(date)) AS sent, toUnixTimestamp64Milli(maxIfOrNull(date, opened = 1)) AS opened,
       toUnixTimestamp64Milli(maxIfOrNull(date, clicked = 1)) AS clicked
FROM marketing_emails FINAL WHERE user_id IN {ids:Array(String)} GROUP BY user_id`;

const VIEWS = `SELECT user_id, toUnixTimestamp64Milli(max(at)) AS visit,
       toUnixTimestamp64Milli(maxIfOrNull(at, JSONExtractString(payload, 'page') = {login:String})) AS login
FROM activity FINAL WHERE user_id IN {ids:Array(String)} AND ${WEB} GROUP BY user_id`;

const ERRORS = `SELECT user_id, JSONExtractString(payload, 'error') AS message, JSONExtractString(payload, 'page') AS page,
       toUnixTimestamp64Milli(max(at)) AS last_ms, count() AS occurrences
FROM activity FINAL WHERE user_id IN {ids:Array(String)} AND type = '${ActivityType.WEBSITE_ERROR}'
GROUP BY user_id, message, page ORDER BY user_id, last_ms DESC, message, page`;

const TIMELINE = `SELECT user_id, type, ms, key, payload FROM (
    SELECT user_id, if(channel = 'online', 'ONLINE_ORDER', 'INSTORE_ORDER') AS type, toUnixTimestamp64Milli(date) AS ms, order_id AS key,
           toJSONString(CAST((toString(channel), arraySum((p, q) -> p * q, item_prices, item_quantities), length(item_names),
                              arrayMap(n -> upperUTF8(n), item_names), location),
                             'Tuple(channel String, amount Float64, items UInt32, products Array(String), location Nullable(String))')) AS payload
    FROM orders FINAL WHERE user_id IN {ids:Array(String)}
    UNION ALL
    SELECT user_id, 'EMAIL_SENT', toUnixTimestamp64Milli(date), email_id,
           toJSONString(CAST((email_id, opened = 1, clicked = 1), 'Tuple(emailId String, opened Bool, clicked Bool)'))
    FROM marketing_emails FINAL WHERE user_id IN {ids:Array(String)}
    UNION ALL
    SELECT user_id, toString(type), toUnixTimestamp64Milli(at), key, payload FROM activity FINAL WHERE user_id IN {ids:Array(String)} AND ${WEB}
) ORDER BY user_id, ms DESC, type DESC, key DESC`;

const NO_ORDERS: ChannelStats = { orders: 0, items: 0, itemsPerOrder: 0, amountSpent: 0, lastOrderAt: null };
const date = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms));

function group<R extends { user_id: string }>(rows: R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), r]);
  return out;
}

export async function referenceProfiles(store: ClickHouseStore, ids: readonly string[]): Promise<Map<string, ReferenceProfile>> {
  const params = { ids, login: LOGIN_PAGE };
  const customers = await store.query<CustomerDetails>('reference', CUSTOMERS, params);
  const purchases = await store.query<{ user_id: string; channel: string; orders: number; items: number; amount: number; last_ms: number }>(
    'reference',
    PURCHASES,
    params,
  );
  const favourites = group(await store.query<{ user_id: string; product: string; purchases: number }>('reference', FAVOURITES, params));
  const emails = new Map(
    (await store.query<{ user_id: string; sent: number; opened: number | null; clicked: number | null }>('reference', EMAILS, params)).map((r) => [r.user_id, r]),
  );
  const views = new Map((await store.query<{ user_id: string; visit: number; login: number | null }>('reference', VIEWS, params)).map((r) => [r.user_id, r]));
  const errors = group(
    await store.query<{ user_id: string; message: string; page: string; last_ms: number; occurrences: number }>('reference', ERRORS, params),
  );
  const timeline = group(await store.query<{ user_id: string; type: ActivityType; ms: number; key: string; payload: string }>('reference', TIMELINE, params));
  const byCustomer = new Map(customers.map((c) => [c.id, c]));

  const out = new Map<string, ReferenceProfile>();
  for (const id of ids) {
    const channel = (name: string): ChannelStats => {
      const r = purchases.find((p) => p.user_id === id && p.channel === name);
      return r ? { orders: r.orders, items: r.items, itemsPerOrder: r.items / r.orders, amountSpent: r.amount, lastOrderAt: date(r.last_ms) } : NO_ORDERS;
    };
    const online = channel('online');
    const instore = channel('instore');
    const email = emails.get(id);
    const view = views.get(id);
    out.set(id, {
      rollup: {
        id,
        details: byCustomer.get(id) ?? null,
        purchaseStats: purchaseStats(online, instore),
        favourites: (favourites.get(id) ?? []).map((f): FavouriteProduct => ({ productName: f.product, purchases: f.purchases })),
        lastActivity: {
          lastInstoreOrder: instore.lastOrderAt,
          lastOnlineOrder: online.lastOrderAt,
          lastEmailSent: date(email?.sent),
          lastEmailOpened: date(email?.opened),
          lastEmailClicked: date(email?.clicked),
          lastWebsiteVisit: date(view?.visit),
          lastLogin: date(view?.login),
        },
      },
      errors: (errors.get(id) ?? []).map((e): WebError => ({ message: e.message, page: e.page, lastSeen: new Date(e.last_ms), occurrences: e.occurrences })),
      timeline: (timeline.get(id) ?? []).map((r) => activityEvent(id, r.type, r.ms, r.key, JSON.parse(r.payload) as ActivityDetail)),
    });
  }
  return out;
}
