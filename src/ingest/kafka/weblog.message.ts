import { createHash } from 'node:crypto';
import type { WeblogRow } from '../records';
import { optionalString, requiredDate, requiredString, type Parsed } from '../validation';
import { parseJsonObject } from './message';

/**
 * A `weblogs` message: `{ user_id, date, page, error_message: string | null }`, one page view.
 * Its event key is a hash of what the view is, so the same view produced or delivered twice
 * collapses into one row.
 */
export function parseWeblog(value: Buffer | null): Parsed<WeblogRow> {
  const json = parseJsonObject(value);
  if (!json.ok) return json;
  const obj = json.value;
  const userId = requiredString(obj, 'user_id');
  if (!userId.ok) return userId;
  const date = requiredDate(obj, 'date');
  if (!date.ok) return date;
  const page = requiredString(obj, 'page');
  if (!page.ok) return page;
  const error = optionalString(obj, 'error_message');
  if (!error.ok) return error;
  return {
    ok: true,
    value: {
      user_id: userId.value,
      date: date.value,
      page: page.value,
      error_message: error.value,
      event_key: weblogEventKey(userId.value, date.value, page.value, error.value),
    },
  };
}

export function weblogEventKey(userId: string, date: number, page: string, errorMessage: string | null): string {
  return createHash('sha1')
    .update(`${userId}\u0000${date}\u0000${page}\u0000${errorMessage ?? ''}`)
    .digest('base64url');
}
