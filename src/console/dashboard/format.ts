import type { ActivityType } from './queries';

/** How the console writes values: one place, so every panel (and the tests) agree. */

const LOCALE = 'en-GB';

const moneyFormat = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const countFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const ratioFormat = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat(LOCALE, { month: 'short', timeZone: 'UTC' });

/** Money is in the orders' own unit (the contract names no currency). */
export const money = (n: number) => moneyFormat.format(n);
export const count = (n: number) => countFormat.format(n);
export const ratio = (n: number) => ratioFormat.format(n);
export const dateTime = (iso: string) => dateTimeFormat.format(new Date(iso));
/** A calendar day (YYYY-MM-DD) as written, without shifting it into the viewer's time zone. */
export const day = (ymd: string) => dayFormat.format(new Date(`${ymd}T00:00:00Z`));
export const monthLabel = (date: Date) => monthFormat.format(date);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const shortDate = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short' });
const shortDateTime = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const longDate = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric' });

/**
 * When something happened, as an agent reads it at a glance: "just now", "5 min ago", "3 h ago",
 * "2 days ago" within a week, then the date ("12 Oct", with the year when it is not this year).
 * `withTime` adds the time of day to dates (the timeline).
 */
export function relative(iso: string, now: number, withTime = false): string {
  const at = new Date(iso);
  const diff = now - at.getTime();
  if (Math.abs(diff) < MINUTE) return 'just now';
  if (diff > 0 && diff < HOUR) return `${Math.floor(diff / MINUTE)} min ago`;
  if (diff > 0 && diff < DAY) return `${Math.floor(diff / HOUR)} h ago`;
  if (diff > 0 && diff < 7 * DAY) {
    const days = Math.floor(diff / DAY);
    return `${days} ${days === 1 ? 'day' : 'days'} ago`;
  }
  if (at.getFullYear() !== new Date(now).getFullYear()) return withTime ? dateTimeFormat.format(at) : longDate.format(at);
  return (withTime ? shortDateTime : shortDate).format(at);
}

export function fullName(c: { firstName: string | null; lastName: string | null; id: string }): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return name || c.id;
}

export function initials(c: { firstName: string | null; lastName: string | null; id: string }): string {
  const letters = [c.firstName, c.lastName].map((s) => s?.trim()[0] ?? '').join('');
  return (letters || c.id.slice(0, 2)).toUpperCase();
}

export const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const ACTIVITY_LABEL: Record<ActivityType, string> = {
  ONLINE_ORDER: 'Online order',
  INSTORE_ORDER: 'In-store order',
  EMAIL_SENT: 'Email',
  WEBSITE_VISIT: 'Website visit',
  LOGIN: 'Login',
  WEBSITE_ERROR: 'Website error',
};

export const ACTIVITY_TYPES: ActivityType[] = ['ONLINE_ORDER', 'INSTORE_ORDER', 'EMAIL_SENT', 'LOGIN', 'WEBSITE_VISIT', 'WEBSITE_ERROR'];
