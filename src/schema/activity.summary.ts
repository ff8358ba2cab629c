import { ActivityType, LOGIN_PAGE, type ActivityEvent } from '../activity/activity';
import { hasPermission, Permission, type Role } from '../auth/roles';

const money = (n: number) => n.toFixed(2);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * `ActivityEvent.summary` as a role reads it, composed from the event's typed fields and from nothing
 * else, and only from the fields that role may read: `location` (a delivery address may be a whole street
 * address) and `error` (free text a customer may have typed, an e-mail address say) need PERSONAL_DATA,
 * like the fields themselves. Pages are shown without their query string for every role.
 */
export function activitySummary(event: ActivityEvent, role: Role): string {
  const personal = hasPermission(role, Permission.PERSONAL_DATA);
  const location = personal ? event.location : null;
  switch (event.type) {
    case ActivityType.INSTORE_ORDER:
      return `In-store order${location ? ` in ${location}` : ''}: ${plural(event.items ?? 0, 'item')}, ${money(event.amount ?? 0)}`;
    case ActivityType.ONLINE_ORDER:
      return `Online order${location ? ` to ${location}` : ''}: ${plural(event.items ?? 0, 'item')}, ${money(event.amount ?? 0)}`;
    case ActivityType.EMAIL_SENT: {
      const state = event.clicked ? 'opened and clicked' : event.opened ? 'opened' : 'not opened';
      return event.emailId ? `Marketing email ${event.emailId} sent (${state})` : `Marketing email sent (${state})`;
    }
    case ActivityType.LOGIN:
      return `Logged in (${event.page ?? LOGIN_PAGE})`;
    case ActivityType.WEBSITE_ERROR:
      return personal && event.error ? `Error on ${event.page ?? '?'}: ${event.error}` : `Error on ${event.page ?? '?'}`;
    case ActivityType.WEBSITE_VISIT:
      return `Visited ${event.page ?? '?'}`;
  }
}
