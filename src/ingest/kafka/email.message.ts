import type { EmailRow } from '../records';
import { requiredBoolean, requiredDate, requiredString, type Parsed } from '../validation';
import { parseJsonObject } from './message';

/**
 * A `marketing_emails` message: `{ email_id, user_id, date, email_opened, email_clicked }`.
 * A later message for the same email replaces the earlier one; the ingester gives each its place in
 * that order (`seq`, see emailSeq in kafka.ingester.ts).
 */
export function parseEmail(value: Buffer | null): Parsed<EmailRow> {
  const json = parseJsonObject(value);
  if (!json.ok) return json;
  const obj = json.value;
  const emailId = requiredString(obj, 'email_id');
  if (!emailId.ok) return emailId;
  const userId = requiredString(obj, 'user_id');
  if (!userId.ok) return userId;
  const date = requiredDate(obj, 'date');
  if (!date.ok) return date;
  const opened = requiredBoolean(obj, 'email_opened');
  if (!opened.ok) return opened;
  const clicked = requiredBoolean(obj, 'email_clicked');
  if (!clicked.ok) return clicked;
  return {
    ok: true,
    value: {
      user_id: userId.value,
      email_id: emailId.value,
      date: date.value,
      opened: opened.value ? 1 : 0,
      clicked: clicked.value ? 1 : 0,
    },
  };
}
