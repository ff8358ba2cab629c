/** What happened to a customer, as the timeline and the `customerActivity` subscription show it. */
export enum ActivityType {
  INSTORE_ORDER = 'INSTORE_ORDER',
  ONLINE_ORDER = 'ONLINE_ORDER',
  EMAIL_SENT = 'EMAIL_SENT',
  WEBSITE_VISIT = 'WEBSITE_VISIT',
  LOGIN = 'LOGIN',
  WEBSITE_ERROR = 'WEBSITE_ERROR',
}

export const LOGIN_PAGE = 'login_success.html';

/**
 * The typed facts of one activity, as the `activity` table stores them (its `payload` column) and the
 * API serves them. Orders carry channel, amount, items, products and location; emails emailId, opened
 * and clicked; page views page and error.
 */
export interface ActivityDetail {
  channel?: 'online' | 'instore';
  /** Sum of price × quantity over the order's lines. */
  amount?: number;
  /** Number of order lines. */
  items?: number;
  /** Upper-cased product names, one per line. */
  products?: string[];
  /** Store city (in store) or delivery city (online). */
  location?: string | null;
  page?: string;
  error?: string | null;
  emailId?: string;
  opened?: boolean;
  clicked?: boolean;
}

/**
 * One activity as stored and announced: its typed facts only. The `summary` clients read is composed
 * from them for the caller's role when it is served (src/schema/activity.summary.ts), so nothing a role
 * may not read can reach it through a text made beforehand.
 */
export interface ActivityEvent extends ActivityDetail {
  /** Stable across redelivery and restarts: the same record always has the same id. */
  id: string;
  customerId: string;
  type: ActivityType;
  at: Date;
  /** The SPEC source the record came from: a MongoDB collection or a Kafka topic. */
  source: string;
}

export function weblogActivityType(page: string, errorMessage: string | null | undefined): ActivityType {
  if (errorMessage) return ActivityType.WEBSITE_ERROR;
  return page === LOGIN_PAGE ? ActivityType.LOGIN : ActivityType.WEBSITE_VISIT;
}

export function activitySource(type: ActivityType): string {
  switch (type) {
    case ActivityType.INSTORE_ORDER:
      return 'instore_orders';
    case ActivityType.ONLINE_ORDER:
      return 'online_orders';
    case ActivityType.EMAIL_SENT:
      return 'marketing_emails';
    default:
      return 'weblogs';
  }
}

/**
 * The id of an activity: its source and the key of its record there (an order's `_id`, an email's
 * `email_id`, a page view's content hash). A record delivered again has the same id.
 */
export function activityId(type: ActivityType, key: string): string {
  return `${activitySource(type)}:${key}`;
}

/** The event of a stored activity row. */
export function activityEvent(customerId: string, type: ActivityType, atMs: number, key: string, detail: ActivityDetail): ActivityEvent {
  return {
    ...detail,
    ...(detail.page === undefined ? {} : { page: pageWithoutQuery(detail.page) }),
    id: activityId(type, key),
    customerId,
    type,
    at: new Date(atMs),
    source: activitySource(type),
  };
}

/** A page as the API shows it: without its query string or fragment, which may carry personal data. */
export function pageWithoutQuery(page: string): string {
  const cut = page.search(/[?#]/);
  return cut === -1 ? page : page.slice(0, cut);
}
