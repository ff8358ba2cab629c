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

export interface ActivityEvent {
  customerId: string;
  type: ActivityType;
  at: Date;
  summary: string;
  /** The SPEC source the record came from: a MongoDB collection or a Kafka topic. */
  source: string;
}

/** The facts a summary is written from; the timeline query and the ingest sink both produce it. */
export interface ActivityDetail {
  items?: number;
  amount?: number;
  location?: string | null;
  emailId?: string;
  opened?: boolean;
  clicked?: boolean;
  page?: string;
  error?: string | null;
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

const money = (n: number) => n.toFixed(2);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summarize(type: ActivityType, d: ActivityDetail): string {
  switch (type) {
    case ActivityType.INSTORE_ORDER:
      return `In-store order${d.location ? ` in ${d.location}` : ''}: ${plural(d.items ?? 0, 'item')}, ${money(d.amount ?? 0)}`;
    case ActivityType.ONLINE_ORDER:
      return `Online order${d.location ? ` to ${d.location}` : ''}: ${plural(d.items ?? 0, 'item')}, ${money(d.amount ?? 0)}`;
    case ActivityType.EMAIL_SENT: {
      const state = d.clicked ? 'opened and clicked' : d.opened ? 'opened' : 'not opened';
      return `Marketing email ${d.emailId ?? ''} sent (${state})`.replace('  ', ' ');
    }
    case ActivityType.LOGIN:
      return `Logged in (${d.page ?? LOGIN_PAGE})`;
    case ActivityType.WEBSITE_ERROR:
      return `Error on ${d.page ?? '?'}: ${d.error ?? ''}`;
    case ActivityType.WEBSITE_VISIT:
      return `Visited ${d.page ?? '?'}`;
  }
}
