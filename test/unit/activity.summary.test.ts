import { ActivityType, type ActivityEvent } from '../../src/activity/activity';
import { ROLES, Role, hasPermission, Permission } from '../../src/auth/roles';
import { activitySummary } from '../../src/schema/activity.summary';

const at = new Date('2024-03-01T10:00:00.000Z');
const event = (type: ActivityType, fields: Partial<ActivityEvent>): ActivityEvent => ({ id: 'x', customerId: 'C1', type, at, source: 's', ...fields });

// What a probe found in summaries: a whole delivery address (a string delivery_address is kept as the
// location) and an e-mail address in an error message.
const ORDER = event(ActivityType.ONLINE_ORDER, { channel: 'online', items: 1, amount: 120, products: ['COAT'], location: '9 Quay St, Cork T12' });
const STORE = event(ActivityType.INSTORE_ORDER, { channel: 'instore', items: 3, amount: 83, products: ['A', 'B', 'C'], location: 'Paris' });
const ERROR = event(ActivityType.WEBSITE_ERROR, { page: 'signin.html', error: 'No account for siobhan.quayle@mail.example' });
const EVENTS = [
  ORDER,
  STORE,
  ERROR,
  event(ActivityType.EMAIL_SENT, { emailId: 'E1', opened: true, clicked: false }),
  event(ActivityType.LOGIN, { page: 'login_success.html' }),
  event(ActivityType.WEBSITE_VISIT, { page: 'home.html' }),
];

describe('support (personal data) reads the whole story', () => {
  test.each([
    [ORDER, 'Online order to 9 Quay St, Cork T12: 1 item, 120.00'],
    [STORE, 'In-store order in Paris: 3 items, 83.00'],
    [{ ...ORDER, location: null }, 'Online order: 1 item, 120.00'],
    [ERROR, 'Error on signin.html: No account for siobhan.quayle@mail.example'],
    [event(ActivityType.EMAIL_SENT, { emailId: 'E1', opened: false, clicked: false }), 'Marketing email E1 sent (not opened)'],
    [event(ActivityType.EMAIL_SENT, { emailId: 'E1', opened: true, clicked: true }), 'Marketing email E1 sent (opened and clicked)'],
    [event(ActivityType.LOGIN, { page: 'login_success.html' }), 'Logged in (login_success.html)'],
    [event(ActivityType.WEBSITE_VISIT, { page: 'home.html' }), 'Visited home.html'],
  ])('%#: %s', (e, summary) => {
    expect(activitySummary(e, Role.SUPPORT)).toBe(summary);
  });
});

describe('personalisation reads no address, name, e-mail or free text', () => {
  test.each([
    [ORDER, 'Online order: 1 item, 120.00'],
    [STORE, 'In-store order: 3 items, 83.00'],
    [ERROR, 'Error on signin.html'],
    [event(ActivityType.EMAIL_SENT, { emailId: 'E1', opened: true, clicked: false }), 'Marketing email E1 sent (opened)'],
    [event(ActivityType.WEBSITE_VISIT, { page: 'home.html' }), 'Visited home.html'],
  ])('%#: %s', (e, summary) => {
    expect(activitySummary(e, Role.PERSONALISATION)).toBe(summary);
  });

  test('for every role without PERSONAL_DATA, no summary holds any part of a location or an error', () => {
    for (const role of ROLES.filter((r) => !hasPermission(r, Permission.PERSONAL_DATA))) {
      for (const e of EVENTS) {
        const summary = activitySummary(e, role);
        for (const text of [e.location, e.error]) {
          for (const word of (text ?? '').split(/[\s,]+/).filter((w) => w.length > 3)) expect(summary).not.toContain(word);
        }
      }
    }
  });
});
