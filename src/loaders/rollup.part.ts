import { compareCodePoints, EMPTY_PROFILE, parseErrorGroupKey, type ChannelTotals, type CustomerDetails, type ProfileDoc } from '../store/rollup';

export interface ChannelStats {
  orders: number;
  items: number;
  itemsPerOrder: number;
  amountSpent: number;
  lastOrderAt: Date | null;
}

export interface PurchaseStats {
  online: ChannelStats;
  instore: ChannelStats;
  totalOrders: number;
  totalItems: number;
  totalSpent: number;
}

export interface FavouriteProduct {
  productName: string;
  purchases: number;
}

export interface LastActivity {
  lastInstoreOrder: Date | null;
  lastOnlineOrder: Date | null;
  lastEmailSent: Date | null;
  lastEmailOpened: Date | null;
  lastEmailClicked: Date | null;
  lastWebsiteVisit: Date | null;
  lastLogin: Date | null;
}

export interface WebError {
  message: string;
  page: string;
  lastSeen: Date;
  occurrences: number;
}

/** Everything a profile shows but the timeline, from the customer's row of `customer_rollup`. */
export interface CustomerRollup {
  id: string;
  /** Null when no customer document exists for the id (or it was deleted). */
  details: CustomerDetails | null;
  purchaseStats: PurchaseStats;
  /** Every product, most purchases first, ties by name. */
  favourites: FavouriteProduct[];
  lastActivity: LastActivity;
  /** Every error group, newest first. */
  errors: WebError[];
}

/**
 * The rollup branch of a profile query: one row per customer, merged from however many parts hold it. Its
 * columns match the timeline branch's (timeline.part.ts): `a` is the profile JSON the sink derived, `b` the
 * page-view parts as JSON [visit ms, login ms, [[error groups], [last seen ms]], {error group: count}].
 */
export const ROLLUP_BRANCH = (part: number, ids: string) => `
SELECT ${part} AS part, user_id, argMaxMerge(profile) AS a,
       toJSONString(tuple(toUnixTimestamp64Milli(max(last_visit)), toUnixTimestamp64Milli(max(last_login)),
                          maxMap(error_seen), uniqExactMapMerge(error_count))) AS b,
       toInt64(0) AS ms, '' AS t, '' AS k
FROM customer_rollup WHERE user_id IN {${ids}:Array(String)} GROUP BY user_id`;

type WebParts = [visit: number | null, login: number | null, seen: [string[], number[]], counts: Record<string, number>];

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

function channelStats([orders, items, amount, last]: ChannelTotals): ChannelStats {
  return { orders, items, itemsPerOrder: orders === 0 ? 0 : items / orders, amountSpent: amount, lastOrderAt: date(last) };
}

/** Both channels and their totals. */
export function purchaseStats(online: ChannelStats, instore: ChannelStats): PurchaseStats {
  return {
    online,
    instore,
    totalOrders: online.orders + instore.orders,
    totalItems: online.items + instore.items,
    totalSpent: online.amountSpent + instore.amountSpent,
  };
}

export function decodeRollup(id: string, profileJson: string, webJson: string): CustomerRollup {
  const doc: ProfileDoc = profileJson === '' ? EMPTY_PROFILE : (JSON.parse(profileJson) as ProfileDoc);
  const [visit, login, [groups, seen], counts] = JSON.parse(webJson) as WebParts;
  const online = channelStats(doc.on);
  const instore = channelStats(doc.in);
  const errors = groups.map((group, i) => {
    const [message, page] = parseErrorGroupKey(group);
    return { message, page, lastSeen: new Date(seen[i]!), occurrences: counts[group] ?? 0 };
  });
  errors.sort((x, y) => y.lastSeen.getTime() - x.lastSeen.getTime() || compareCodePoints(x.message, y.message) || compareCodePoints(x.page, y.page));
  return {
    id,
    details: doc.c,
    purchaseStats: purchaseStats(online, instore),
    favourites: doc.fav.map(([productName, purchases]) => ({ productName, purchases })),
    lastActivity: {
      lastInstoreOrder: instore.lastOrderAt,
      lastOnlineOrder: online.lastOrderAt,
      lastEmailSent: date(doc.em[0]),
      lastEmailOpened: date(doc.em[1]),
      lastEmailClicked: date(doc.em[2]),
      lastWebsiteVisit: date(visit),
      lastLogin: date(login),
    },
    errors,
  };
}

/** The rollup of a customer nothing has been stored for. */
export const emptyRollup = (id: string): CustomerRollup => decodeRollup(id, '', '[null,null,[[],[]],{}]');
