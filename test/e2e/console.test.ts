import { copyFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { DemoGenerator } from '../../src/ingest/demo/generator';
import type { IngestRecord, OrderRow } from '../../src/ingest/records';
import { FullProfileDocument, type FullProfileQuery } from '../generated/graphql';
import { launchBrowser, type TestBrowser } from '../utils/browser';
import { missingAssets } from '../utils/console';
import { startTestGateway, type TestGateway } from '../utils/gateway';

/**
 * The support console in headless Chromium against a real gateway: search, every panel against
 * the API, live activity, keyboard use, loading and error states, and GraphiQL.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
const README_SCREENSHOT = path.join(ROOT, 'docs', 'dashboard.png');
const LAPTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
/** Live events must show within a few seconds; generous for a shared, noisy machine. */
const LIVE_TIMEOUT = 10_000;

const DAY = 86_400_000;
const NOW = Date.now();
const ago = (days: number) => Math.floor(NOW - days * DAY);

const ID = 'T0000042';
const customer = (id: string, first: string, last: string, extra: Partial<Record<string, string>> = {}): IngestRecord => ({
  kind: 'customer',
  row: {
    id,
    source_id: id,
    first_name: first,
    last_name: last,
    gender: 'female',
    dob: '1988-03-14',
    email: `${first}.${last}@example.com`.toLowerCase(),
    street: '12 Canal Street',
    city: 'Leeds',
    postcode: 'LS1 4AB',
    country: 'United Kingdom',
    ...extra,
  },
});
const order = (id: string, channel: OrderRow['channel'], days: number, lines: Array<[string, number, number]>, location: string): IngestRecord => ({
  kind: 'order',
  row: {
    user_id: ID,
    channel,
    order_id: id,
    date: ago(days),
    item_names: lines.map((l) => l[0]),
    item_prices: lines.map((l) => l[1]),
    item_quantities: lines.map((l) => l[2]),
    location,
  },
  announce: false,
});
let weblogSerial = 0;
const weblog = (days: number, page: string, error: string | null = null, announce = false): IngestRecord => ({
  kind: 'weblog',
  row: { user_id: ID, date: ago(days), page, error_message: error, event_key: `${ID}-W${weblogSerial++}` },
  announce,
});

/** A customer with a known history: three orders over both channels, emails, errors and 20 page views. */
function fixture(): IngestRecord[] {
  const pages = ['home.html', 'search.html', 'category_women.html', 'product.html', 'basket.html'];
  return [
    customer(ID, 'Imogen', 'Castellano'),
    customer('T0000043', 'Imogen', 'Bright', { gender: 'female', city: 'York' }),
    customer('T0000044', 'Oscar', 'Lindqvist', { gender: 'male' }),
    order(`${ID}-O1`, 'online', 200, [['Trench Coat', 149, 1], ['Wool Scarf', 22.5, 2]], 'Leeds'),
    order(`${ID}-O2`, 'online', 40, [['Wool Scarf', 22.5, 1], ['Linen Shirt', 34, 1]], 'Leeds'),
    order(`${ID}-O3`, 'instore', 90, [['wool scarf', 22.5, 1], ['Chelsea Boots', 110, 1]], 'Manchester'),
    { kind: 'email', row: { user_id: ID, email_id: `${ID}-E1`, date: ago(10), opened: 1, clicked: 1 }, announce: false },
    { kind: 'email', row: { user_id: ID, email_id: `${ID}-E2`, date: ago(3), opened: 0, clicked: 0 }, announce: false },
    weblog(2, 'login_success.html'),
    weblog(5, 'checkout.html', 'Payment declined'),
    weblog(1, 'checkout.html', 'Payment declined'),
    weblog(20, 'basket.html', 'Promo code expired'),
    ...Array.from({ length: 20 }, (_, i) => weblog(1.5 + i * 1.4, pages[i % pages.length]!)),
  ];
}

// The console's number formats (en-GB), written out independently of its code.
const money = (n: number) => n.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const ratio = (n: number) => n.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 2 });
const count = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 0 });

type Profile = NonNullable<FullProfileQuery['customer']>;

let t: TestGateway;
let browser: TestBrowser;
let page: Page;
const pageErrors: string[] = [];

async function profileFromApi(first = 15): Promise<Profile> {
  const res = await t.graphql(FullProfileDocument, { id: ID, favourites: 6, errors: 5, first });
  expect(res.errors).toBeUndefined();
  return res.data!.customer!;
}

/** Polls a server-side condition (not a fixed sleep): e.g. the subscription has reached the gateway. */
async function until(condition: () => boolean, what: string, timeoutMs = LIVE_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
const texts = async (locator: Locator) => (await locator.allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
const datetimes = (locator: Locator) => locator.evaluateAll((els) => els.map((e) => e.getAttribute('datetime')));

async function screenshot(name: string, options: { fullPage?: boolean; height?: number } = {}): Promise<string> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  const fullPage = options.fullPage ?? true;
  // From the top, so that the sticky header sits where a person sees it.
  if (fullPage) await page.evaluate('window.scrollTo(0, 0)');
  const clip = options.height ? { x: 0, y: 0, width: page.viewportSize()!.width, height: options.height } : undefined;
  await page.screenshot({ path: file, fullPage, clip });
  return file;
}

function watchErrors(p: Page): void {
  p.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
  p.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
  });
}

/** Every panel against the API's answer for the same customer. */
async function expectPanelsToMatch(api: Profile): Promise<void> {
  const details = page.locator('[data-panel=details]');
  expect(await text(details.locator('[data-field=name]'))).toBe(`${api.firstName} ${api.lastName}`);
  expect(await text(details.locator('[data-field=id]'))).toBe(api.id);
  expect(await text(details.locator('[data-field=age]'))).toMatch(new RegExp(`^${api.age} `));
  expect(await text(details.locator('[data-field=gender]'))).toBe(api.gender!.charAt(0).toUpperCase() + api.gender!.slice(1));
  expect(await text(details.locator('[data-field=email]'))).toBe(api.email);
  expect(await texts(details.locator('.address__line'))).toEqual([
    api.address!.street,
    `${api.address!.city} ${api.address!.postcode}`,
    api.address!.country,
  ]);

  const errors = page.locator('[data-panel=errors] li.error');
  expect(await texts(errors.locator('[data-field=message]'))).toEqual(api.recentErrors.map((e) => e.message));
  expect(await texts(errors.locator('[data-field=page]'))).toEqual(api.recentErrors.map((e) => e.page));
  expect(await texts(errors.locator('[data-field=occurrences]'))).toEqual(api.recentErrors.map((e) => `Occurrences: ×${e.occurrences}`));
  expect(await datetimes(errors.locator('time'))).toEqual(api.recentErrors.map((e) => e.lastSeen));

  const favourites = page.locator('[data-panel=favourites] li');
  expect(await texts(favourites.locator('[data-field=productName]'))).toEqual(api.favouriteProducts.map((p) => p.productName));
  expect(await texts(favourites.locator('[data-field=purchases]'))).toEqual(api.favouriteProducts.map((p) => `${p.purchases} purchases`));

  const stats = api.purchaseStats;
  const purchases = page.locator('[data-panel=purchases]');
  expect(await text(purchases.locator('[data-field=totalSpent]'))).toBe(money(stats.totalSpent));
  expect(await text(purchases.locator('[data-field=totalOrders]'))).toBe(count(stats.totalOrders));
  expect(await text(purchases.locator('[data-field=totalItems]'))).toBe(count(stats.totalItems));
  for (const channel of ['online', 'instore'] as const) {
    const c = stats[channel];
    const cell = (field: string) => purchases.locator(`td[data-channel=${channel}][data-field=${field}]`);
    expect(await text(cell('orders'))).toBe(count(c.orders));
    expect(await text(cell('items'))).toBe(count(c.items));
    expect(await text(cell('itemsPerOrder'))).toBe(ratio(c.itemsPerOrder));
    expect(await text(cell('amountSpent'))).toBe(money(c.amountSpent));
    expect(await cell('lastOrderAt').locator('time').getAttribute('datetime')).toBe(c.lastOrderAt);
  }
  const total = (field: string) => purchases.locator(`td[data-channel=total][data-field=${field}]`);
  expect(await text(total('orders'))).toBe(count(stats.totalOrders));
  expect(await text(total('items'))).toBe(count(stats.totalItems));
  expect(await text(total('amountSpent'))).toBe(money(stats.totalSpent));

  const last = page.locator('[data-panel=last-activity]');
  for (const [field, value] of Object.entries(api.lastActivity)) {
    const row = last.locator(`[data-field=${field}]`);
    if (value) expect(await row.locator('time').getAttribute('datetime')).toBe(value);
    else expect(await text(row.locator('dd'))).toBe('never');
  }

  // The charts summarise the latest 100 events and orders.
  const window = await t.graphql(FullProfileDocument, { id: ID, first: 100 });
  const events = window.data!.customer!.timeline.edges.map((e) => e.node);
  const mix = page.locator('[data-panel=activity-mix]');
  for (const type of ['ONLINE_ORDER', 'INSTORE_ORDER', 'EMAIL_SENT', 'LOGIN', 'WEBSITE_VISIT', 'WEBSITE_ERROR']) {
    expect(await text(mix.locator(`[data-type=${type}] [data-field=count]`))).toBe(String(events.filter((e) => e.type === type).length));
  }
  // Every fixture order is within the chart's 24 months, so the chart total is the lifetime spend.
  expect(await text(page.locator('[data-panel=spend] [data-field=spendTotal]'))).toMatch(new RegExp(`^${money(stats.totalSpent).replace('.', '\\.')} in \\d+ months$`));
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  t = await startTestGateway();
  await t.gateway.sink.write(fixture());
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  watchErrors(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('dashboard', () => {
  test('a customer is found by name and opened from the suggestions with the keyboard', async () => {
    await page.goto(`${t.url}/`);
    await page.getByRole('heading', { name: 'Find the customer on the line' }).waitFor();

    // "/" jumps to the search box from anywhere on the page.
    await page.locator('body').press('/');
    const search = page.getByRole('combobox', { name: /find a customer/i });
    expect(await search.evaluate((el) => el.ownerDocument.activeElement === el)).toBe(true);

    await page.keyboard.type('imogen');
    const options = page.locator('#customer-suggestions [role=option]');
    await options.filter({ hasText: 'Imogen Castellano' }).waitFor();
    await options.filter({ hasText: 'Imogen Bright' }).waitFor();
    const names = await texts(options.locator('.suggestion__name'));
    const target = names.indexOf('Imogen Castellano');
    expect(await search.getAttribute('aria-expanded')).toBe('true');
    await screenshot('dashboard-search-laptop', { fullPage: false });

    for (let i = 0; i < target; i++) await search.press('ArrowDown');
    await page.locator('[role=option][aria-selected=true]', { hasText: 'Imogen Castellano' }).waitFor();
    expect(await search.getAttribute('aria-activedescendant')).toBe(`suggestion-${ID}`);
    await search.press('Enter');

    await page.locator('[data-panel=details] h1', { hasText: 'Imogen Castellano' }).waitFor();
    expect(new URL(page.url()).searchParams.get('customer')).toBe(ID);
    expect(await search.inputValue()).toBe('');
  });

  test('every panel shows what the API returns for the customer', async () => {
    await page.locator('[data-panel=timeline] li.event').first().waitFor();
    const api = await profileFromApi();
    await expectPanelsToMatch(api);

    // The timeline's first page, then "Load more" through pageInfo until it is all there.
    const timeline = page.locator('[data-panel=timeline] li.event');
    expect(await texts(timeline.locator('.event__summary'))).toEqual(api.timeline.edges.map((e) => e.node.summary));
    expect(await datetimes(timeline.locator('time'))).toEqual(api.timeline.edges.map((e) => e.node.at));
    expect(api.timeline.pageInfo.hasNextPage).toBe(true);
    await page.getByRole('button', { name: 'Load more' }).click();
    const all = await profileFromApi(100);
    await timeline.nth(all.timeline.edges.length - 1).waitFor();
    expect(await texts(timeline.locator('.event__summary'))).toEqual(all.timeline.edges.map((e) => e.node.summary));
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);

    await screenshot('dashboard-laptop');
  });

  test('activity ingested while the profile is open appears at the top, highlighted, and the panels refresh', async () => {
    await page.locator('[data-live-state=live]').waitFor();
    await until(() => t.gateway.bus.subscriberCount() >= 1, 'the dashboard subscription');

    await t.gateway.sink.write([weblog(0, 'checkout.html', 'Gift card rejected', true)]);
    const live = page.locator('[data-panel=timeline] li.event--live', { hasText: 'Error on checkout.html: Gift card rejected' });
    await live.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await text(page.locator('[data-panel=timeline] li.event').first().locator('.event__summary'))).toBe(
      'Error on checkout.html: Gift card rejected',
    );
    expect(await text(live.locator('.badge--live'))).toBe('New');
    expect(await live.evaluate((el) => el.ownerDocument.defaultView.getComputedStyle(el).animationName)).toBe('arrive');
    // The profile is pushed again (customerProfile): the new error is in Recent errors without a reload.
    await page.locator('[data-panel=errors] [data-field=message]', { hasText: 'Gift card rejected' }).waitFor({ timeout: LIVE_TIMEOUT });

    await t.gateway.sink.write([
      { kind: 'order', row: { user_id: ID, channel: 'instore', order_id: `${ID}-LIVE`, date: Date.now(), item_names: ['Tote Bag'], item_prices: [30], item_quantities: [1], location: 'York' } },
    ]);
    await page.locator('[data-panel=timeline] li.event--live', { hasText: 'In-store order in York: 1 item, 30.00' }).waitFor({ timeout: LIVE_TIMEOUT });
    await page.locator('[data-panel=purchases] [data-field=totalOrders]', { hasText: /^4$/ }).waitFor({ timeout: LIVE_TIMEOUT });

    await expectPanelsToMatch(await profileFromApi());
    await screenshot('dashboard-live-laptop');
  });

  test('the layout works at phone width', async () => {
    // The built console is whole (a stylesheet gone would show as overflow below).
    expect(await missingAssets(process.env['C360_TEST_CONSOLE_DIR'])).toEqual([]);
    await page.setViewportSize(PHONE);
    await page.locator('[data-panel=details] h1').waitFor();
    // Charts size themselves from their container once it has been laid out again: wait for that.
    await page.waitForFunction(`document.documentElement.scrollWidth <= ${PHONE.width}`, undefined, { timeout: 5_000 }).catch(() => undefined);
    // Nothing overflows sideways; the panels stack in one column.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    const boxes = (await Promise.all(['details', 'errors', 'purchases'].map((p) => page.locator(`[data-panel=${p}]`).boundingBox()))).map((b) => b!);
    expect(new Set(boxes.map((b) => Math.round(b.x))).size).toBe(1);
    expect(boxes[1]!.y).toBeGreaterThan(boxes[0]!.y + boxes[0]!.height - 1);
    expect(boxes[2]!.y).toBeGreaterThan(boxes[1]!.y + boxes[1]!.height - 1);
    await screenshot('dashboard-phone');
    await screenshot('dashboard-phone-viewport', { fullPage: false });
    await page.setViewportSize(LAPTOP);
  });

  test('a link opens a profile; unknown ids and a failing gateway are explained', async () => {
    const other = await browser.context.newPage();
    try {
      await other.goto(`${t.url}/?customer=T0000044`);
      await other.locator('[data-panel=details] h1', { hasText: 'Oscar Lindqvist' }).waitFor();
      await other.locator('[data-panel=purchases] [data-field=totalOrders]', { hasText: /^0$/ }).waitFor();
      await other.getByText('No purchases yet.').waitFor();

      await other.goto(`${t.url}/?customer=NOBODY`);
      await other.getByRole('heading', { name: 'No customer “NOBODY”' }).waitFor();

      // The gateway is unreachable for the first load: an error with a retry that then works.
      await other.route('**/graphql', (route) => route.abort());
      await other.goto(`${t.url}/?customer=${ID}`);
      await other.getByRole('heading', { name: 'The profile could not be loaded' }).waitFor();
      await other.unroute('**/graphql');
      await other.getByRole('button', { name: 'Try again' }).click();
      await other.locator('[data-panel=details] h1', { hasText: 'Imogen Castellano' }).waitFor();
    } finally {
      await other.close();
    }
  });

  test('the page logged no errors', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('GraphiQL', () => {
  const response = (p: Page) =>
    p.locator('.graphiql-response .view-lines').evaluate((el) => String(el.innerText).replace(/\u00a0/g, ' '));
  const responseContains = (fragment: string, timeout = 30_000) =>
    page.locator('.graphiql-response .view-lines', { hasText: fragment }).waitFor({ timeout });

  test('runs the preloaded profile query and a typed query', async () => {
    await page.goto(`${t.url}/graphiql?customer=${ID}`);
    await page.locator('.graphiql-query-editor .view-lines', { hasText: 'query FullProfile' }).waitFor({ timeout: 30_000 });
    expect(await texts(page.locator('.graphiql-tab .graphiql-tab-button'))).toEqual(
      expect.arrayContaining([
        expect.stringContaining('FullProfile'),
        expect.stringContaining('SearchCustomers'),
        expect.stringContaining('CustomerActivity'),
        expect.stringContaining('Segments'),
        expect.stringContaining('LiveProfile'),
      ]),
    );
    await page.locator('.graphiql-execute-button').click();
    await responseContains('Castellano');
    expect(await response(page)).toContain('"firstName": "Imogen"');

    // Type a query of our own into the editor and run it with the keyboard.
    await page.locator('.graphiql-query-editor .monaco-editor').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.insertText(`query Contact { customer(id: "${ID}") { email purchaseStats { totalOrders } } }`);
    // GraphiQL names the tab after the operation once it has read the edit; run only then.
    await page.locator('.graphiql-tab-active', { hasText: 'Contact' }).waitFor();
    await page.keyboard.press('Control+Enter');
    await responseContains('imogen.castellano@example.com');
    expect(await response(page)).toContain('"totalOrders": 4');
    await screenshot('graphiql', { fullPage: false });
  });

  test('runs the customerActivity subscription over graphql-ws', async () => {
    const before = t.gateway.bus.subscriberCount();
    await page.locator('.graphiql-tab', { hasText: 'CustomerActivity' }).locator('.graphiql-tab-button').click();
    await page.locator('.graphiql-query-editor .view-lines', { hasText: 'subscription CustomerActivity' }).waitFor();
    // GraphiQL reads a tab's operation shortly after it is shown; an edit that renames the operation
    // shows on the tab once it has, so the run cannot go out with the previous tab's operation.
    await page.locator('.graphiql-query-editor .monaco-editor').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.insertText('subscription Watch($customerId: ID!) { customerActivity(customerId: $customerId) { customerId type at summary source } }');
    await page.locator('.graphiql-tab-active', { hasText: 'Watch' }).waitFor();
    await page.locator('.graphiql-execute-button').click();
    await until(() => t.gateway.bus.subscriberCount() > before, 'the GraphiQL subscription');

    await t.gateway.sink.write([weblog(0, 'wishlist.html', 'Wishlist service unavailable', true)]);
    await responseContains('Wishlist service unavailable', LIVE_TIMEOUT);
    const shown = await response(page);
    expect(shown).toContain('"type": "WEBSITE_ERROR"');
    expect(shown).toContain(`"customerId": "${ID}"`);
    // Back to the start of the operation (the editor keeps the last tab's scroll position).
    await page.locator('.graphiql-query-editor .monaco-editor').click();
    await page.keyboard.press('Control+Home');
    await screenshot('graphiql-subscription', { fullPage: false });
  });

  test('GraphiQL logged no errors', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('README screenshot', () => {
  // Demo customers, as `npm start` shows them. docs/dashboard.png is written when missing or when
  // UPDATE_SCREENSHOTS=1, so a test run does not rewrite a committed image every time.
  test('the dashboard with demo data', async () => {
    const generator = new DemoGenerator({ seed: 360, now: Date.now() });
    const records = Array.from({ length: 40 }, (_, i) => generator.customerWithHistory(i)).flat();
    for (const r of records) if (r.kind !== 'customer') r.announce = false;
    await t.gateway.sink.write(records);

    // A customer whose profile fills every panel: orders in both channels and website errors.
    const byCustomer = new Map<string, IngestRecord[]>();
    for (const r of records) {
      const id = r.kind === 'customer' ? r.row.id : r.row.user_id;
      byCustomer.set(id, [...(byCustomer.get(id) ?? []), r]);
    }
    const [demoId] = [...byCustomer].find(([, rs]) => {
      const channels = new Set(rs.flatMap((r) => (r.kind === 'order' ? [r.row.channel] : [])));
      return channels.size === 2 && rs.some((r) => r.kind === 'weblog' && r.row.error_message);
    })!;

    await page.setViewportSize(LAPTOP);
    await page.goto(`${t.url}/?customer=${demoId}`);
    await page.locator('[data-panel=timeline] li.event').first().waitFor();
    await page.locator('[data-live-state=live]').waitFor();
    await until(() => t.gateway.bus.subscriberCount() >= 1, 'the dashboard subscription');
    await t.gateway.sink.write([
      { kind: 'weblog', row: { user_id: demoId, date: Date.now() - 60_000, page: 'product.html', error_message: null, event_key: `${demoId}-shot-1` } },
      { kind: 'weblog', row: { user_id: demoId, date: Date.now(), page: 'login_success.html', error_message: null, event_key: `${demoId}-shot-2` } },
    ]);
    await page.locator('[data-panel=timeline] li.event--live', { hasText: 'Logged in' }).waitFor({ timeout: LIVE_TIMEOUT });
    await page.locator('[data-panel=last-activity] [data-field=lastLogin]', { hasText: 'just now' }).waitFor({ timeout: LIVE_TIMEOUT });
    // Panels flash briefly when a live refresh changes them; the picture is taken once they are still.
    await page.locator('.panel--updated').first().waitFor({ state: 'detached' });
    await screenshot('dashboard-demo-laptop');
    // The README shows the top of the page: every panel and the start of the timeline.
    const file = await screenshot('dashboard-demo-laptop-top', { height: 1320 });
    if (!existsSync(README_SCREENSHOT) || process.env['UPDATE_SCREENSHOTS'] === '1') {
      await mkdir(path.dirname(README_SCREENSHOT), { recursive: true });
      await copyFile(file, README_SCREENSHOT);
    }
  });
});
