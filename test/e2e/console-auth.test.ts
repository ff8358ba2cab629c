import type { Page } from 'playwright-core';
import { hashApiKey } from '../../src/auth/credentials';
import { launchBrowser, type TestBrowser } from '../utils/browser';
import { startTestGateway, type TestGateway } from '../utils/gateway';

/** The console against a gateway that requires a credential: the agent signs in with an API key. */

const API_KEY = 'console-e2e-support-key-0123456789';
const ID = 'A0000001';

let t: TestGateway;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  t = await startTestGateway({ AUTH_API_KEYS: `${hashApiKey(API_KEY)}:support:support-desk` });
  await t.gateway.sink.write([
    {
      kind: 'customer',
      row: { id: ID, source_id: ID, first_name: 'Ada', last_name: 'Okafor', gender: 'female', dob: '1990-01-02', email: 'ada.okafor@example.com', street: null, city: 'Bristol', postcode: null, country: 'United Kingdom' },
    },
  ]);
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

test('the dashboard asks for a credential, refuses a wrong one and works with the right one, live included', async () => {
  await page.goto(`${t.url}/?customer=${ID}`);
  await page.getByRole('heading', { name: 'Sign in to the gateway' }).waitFor();

  await page.getByLabel('API key or token').fill('not-the-key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('The gateway refused that credential.').waitFor();

  await page.getByLabel('API key or token').fill(API_KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-panel=details] h1', { hasText: 'Ada Okafor' }).waitFor();

  // The subscription authenticates through connection_init.
  await page.locator('[data-live-state=live]').waitFor();
  const deadline = Date.now() + 10_000;
  while (t.gateway.bus.subscriberCount() < 1) {
    if (Date.now() > deadline) throw new Error('the dashboard subscription never reached the gateway');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await t.gateway.sink.write([{ kind: 'weblog', row: { user_id: ID, date: Date.now(), page: 'login_success.html', error_message: null, event_key: `${ID}-live` } }]);
  await page.locator('[data-panel=timeline] li.event--live', { hasText: 'Logged in' }).waitFor({ timeout: 10_000 });
});

test('GraphiQL, opened from the signed-in dashboard, sends the same credential', async () => {
  await page.getByRole('link', { name: 'GraphiQL' }).click();
  await page.locator('.graphiql-query-editor .view-lines', { hasText: 'query FullProfile' }).waitFor({ timeout: 30_000 });
  await page.locator('.graphiql-execute-button').click();
  await page.locator('.graphiql-response .view-lines', { hasText: 'Okafor' }).waitFor();
});

test('signing out asks for the credential again', async () => {
  await page.goto(`${t.url}/?customer=${ID}`);
  await page.locator('[data-panel=details] h1', { hasText: 'Ada Okafor' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to the gateway' }).waitFor();
});
