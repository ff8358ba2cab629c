import { compareCodePoints, EMPTY_PROFILE, NO_EMAILS, type EmailDates, parseErrorGroupKey, type ChannelTotals, type CustomerDetails, type ProfileDoc } from '../store/rollup';

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
}

/**
 * The rollup branch of a profile query: one row per customer, merged from however many parts hold it. Its
 * columns match the timeline branch's (timeline.part.ts): `a` and `b` are the MongoDB and email parts of the
 * profile the sink derived (JSON), `ms` and `ms2` the last visit and login. Each column read costs the engine a range read per customer, so the page-view
 * errors, which a storefront never asks, are a branch of their own (ERRORS_BRANCH).
 */
export const ROLLUP_BRANCH = (part: number, ids: string) => `
SELECT ${part} AS part, user_id, argMaxMerge(profile) AS a, argMaxMerge(email_profile) AS b,
       toUnixTimestamp64Milli(max(last_visit)) AS ms, toUnixTimestamp64Milli(max(last_login)) AS ms2, '' AS t, '' AS k
FROM customer_rollup WHERE user_id IN {${ids}:Array(String)} GROUP BY user_id`;

/** The errors branch: `a` is [[error groups], [last seen ms]] and {error group: count} as JSON. */
export const ERRORS_BRANCH = (part: number, ids: string) => `
SELECT ${part} AS part, user_id, toJSONString(tuple(maxMap(error_seen), uniqExactMapMerge(error_count))) AS a, '' AS b,
       NULL AS ms, NULL AS ms2, '' AS t, '' AS k
FROM customer_rollup WHERE user_id IN {${ids}:Array(String)} GROUP BY user_id`;

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

/** A customer's page-view errors, every group, newest first. */
export function decodeErrors(json: string): WebError[] {
  const [[groups, seen], counts] = JSON.parse(json) as [[string[], number[]], Record<string, number>];
  const errors = groups.map((group, i) => {
    const [message, page] = parseErrorGroupKey(group);
    return { message, page, lastSeen: new Date(seen[i]!), occurrences: counts[group] ?? 0 };
  });
  return errors.sort((x, y) => y.lastSeen.getTime() - x.lastSeen.getTime() || compareCodePoints(x.message, y.message) || compareCodePoints(x.page, y.page));
}

export function decodeRollup(id: string, profileJson: string, emailJson: string, visit: number | null, login: number | null): CustomerRollup {
  const doc: ProfileDoc = profileJson === '' ? EMPTY_PROFILE : (JSON.parse(profileJson) as ProfileDoc);
  const em: EmailDates = emailJson === '' ? NO_EMAILS : (JSON.parse(emailJson) as EmailDates);
  const online = channelStats(doc.on);
  const instore = channelStats(doc.in);
  return {
    id,
    details: doc.c,
    purchaseStats: purchaseStats(online, instore),
    favourites: doc.fav.map(([productName, purchases]) => ({ productName, purchases })),
    lastActivity: {
      lastInstoreOrder: instore.lastOrderAt,
      lastOnlineOrder: online.lastOrderAt,
      lastEmailSent: date(em[0]),
      lastEmailOpened: date(em[1]),
      lastEmailClicked: date(em[2]),
      lastWebsiteVisit: date(visit),
      lastLogin: date(login),
    },
  };
}

/** The rollup of a customer nothing has been stored for. */
export const emptyRollup = (id: string): CustomerRollup => decodeRollup(id, '', '', null, null);
