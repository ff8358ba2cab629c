import type { Page } from 'playwright-core';
import { hashApiKey } from '../../src/auth/credentials';
import type { IngestRecord } from '../../src/ingest/records';
import { launchBrowser, type TestBrowser } from '../utils/browser';
import { startTestGateway, type TestGateway } from '../utils/gateway';

/**
 * The console's live profile (customerProfile, no refetch) and the privacy role's erasure: the action only for
 * that role, its confirmation, a refused reason, and the erased state with its receipt.
 */

const KEYS = { privacy: 'console-e2e-privacy-key-0123456789', support: 'console-e2e-support-key-0123456789' };
const ID = 'P0000007';
const OTHER = 'P0000008';
const LIVE_TIMEOUT = 10_000;

let t: TestGateway;
let browser: TestBrowser;
let page: Page;
/** The GraphQL requests the page sent over HTTP (subscriptions go over the WebSocket). */
const posts: string[] = [];

const customer = (id: string, first: string, last: string): IngestRecord => ({
  kind: 'customer',
  row: { id, source_id: id, first_name: first, last_name: last, gender: 'male', dob: '1979-05-05', email: `${first}.${last}@example.com`.toLowerCase(), street: null, city: 'Hull', postcode: null, country: 'United Kingdom' },
});
const order = (id: string, userId: string, price: number): IngestRecord => ({
  kind: 'order',
  row: { user_id: userId, channel: 'online', order_id: id, date: Date.now(), item_names: ['Desk Lamp'], item_prices: [price], item_quantities: [1], location: 'Hull' },
});

async function signIn(key: string): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in to the gateway' }).waitFor();
  await page.getByLabel('API key or token').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  t = await startTestGateway({ AUTH_API_KEYS: `${hashApiKey(KEYS.privacy)}:privacy:dpo,${hashApiKey(KEYS.support)}:support:desk` });
  await t.gateway.sink.write([customer(ID, 'Tomas', 'Novak'), customer(OTHER, 'Lena', 'Varga'), order(`${ID}-O1`, ID, 20)]);
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/graphql') posts.push(r.postData() ?? '');
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

test('the profile updates live from customerProfile, without querying it again', async () => {
  await page.goto(`${t.url}/?customer=${ID}`);
  await signIn(KEYS.privacy);
  await page.locator('[data-panel=details] h1', { hasText: 'Tomas Novak' }).waitFor();
  await page.locator('[data-panel=purchases] [data-field=totalOrders]', { hasText: /^1$/ }).waitFor();
  await until(() => t.gateway.liveProfiles.consumers() >= 1, 'the profile subscription');
  const sent = posts.length;

  await t.gateway.sink.write([order(`${ID}-O2`, ID, 35)]);
  await page.locator('[data-panel=purchases] [data-field=totalOrders]', { hasText: /^2$/ }).waitFor({ timeout: LIVE_TIMEOUT });
  await page.locator('[data-panel=purchases] [data-field=totalSpent]', { hasText: '55' }).waitFor();
  expect(posts.slice(sent)).toEqual([]);
});

test('the privacy role erases after confirming; a reason with personal data is refused; the erased state shows the receipt', async () => {
  await page.getByRole('button', { name: 'Erase customer…' }).click();
  const dialog = page.getByRole('dialog', { name: `Erase ${ID}?` });
  await dialog.waitFor();
  const confirm = dialog.getByRole('button', { name: 'Erase permanently' });
  await dialog.getByLabel("Reason (the request's reference, no personal data)").fill('asked by tomas.novak@example.com');
  expect(await confirm.isDisabled()).toBe(true);
  await dialog.getByLabel(`Type ${ID} to confirm`).fill(ID);
  await page.screenshot({ path: 'test-results/screenshots/erase-dialog.png' });
  await confirm.click();
  await dialog.getByRole('alert').filter({ hasText: 'must not hold the customer' }).waitFor();
  expect(await t.gateway.store.query('test', 'SELECT id FROM customers FINAL WHERE id = {id:String}', { id: ID })).toHaveLength(1);

  // Cancel closes without erasing; the second attempt goes through.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('button', { name: 'Erase customer…' }).click();
  await dialog.getByLabel("Reason (the request's reference, no personal data)").fill('DSR-3141');
  await dialog.getByLabel(`Type ${ID} to confirm`).fill(ID);
  await dialog.getByRole('button', { name: 'Erase permanently' }).click();

  const erased = page.locator(`[data-erased="${ID}"]`);
  await erased.getByRole('heading', { name: `Customer ${ID} was erased` }).waitFor({ timeout: LIVE_TIMEOUT });
  expect(Number(await erased.locator('[data-field=rowsRemoved]').textContent())).toBeGreaterThan(0);
  await page.locator(`[data-erased="${ID}"][data-completed=true]`).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: 'test-results/screenshots/erased.png' });
  expect(await t.gateway.store.query('test', 'SELECT id FROM customers WHERE id = {id:String}', { id: ID })).toEqual([]);

  // Opened again later, the customer shows as erased, with the same receipt.
  await page.goto(`${t.url}/?customer=${ID}`);
  await page.locator(`[data-erased="${ID}"][data-completed=true]`).waitFor();
});

test('the support role sees no erase action, and an erased customer is unknown to it', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(`${t.url}/?customer=${OTHER}`);
  await signIn(KEYS.support);
  await page.locator('[data-panel=details] h1', { hasText: 'Lena Varga' }).waitFor();
  // The role is known once the receipt query was refused.
  await until(() => posts.some((p) => p.includes('"id":"' + OTHER + '"') && !p.includes('window')), 'the erasure query');
  await page.waitForLoadState('networkidle');
  expect(await page.getByRole('button', { name: 'Erase customer…' }).count()).toBe(0);

  await page.goto(`${t.url}/?customer=${ID}`);
  await page.getByRole('heading', { name: `No customer “${ID}”` }).waitFor();
});
