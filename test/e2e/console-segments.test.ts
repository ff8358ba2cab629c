import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { IngestRecord } from '../../src/ingest/records';
import { launchBrowser, type TestBrowser } from '../utils/browser';
import { startTestGateway, type TestGateway } from '../utils/gateway';

/** The console's segment chips on a profile, and the Segments page with sizes, members and the live feed. */

const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'test-results', 'screenshots');
const LIVE_TIMEOUT = 10_000;
const DAY = 86_400_000;

const SEGMENTS = `
segments:
  - name: big-spender
    description: Spent 100 or more
    condition:
      total_spent: { ">=": 100 }
  - name: french
    description: Lives in France
    condition:
      country: France
`;

const customer = (id: string, first: string, country: string): IngestRecord => ({
  kind: 'customer',
  row: { id, source_id: id, first_name: first, last_name: 'Segment', gender: null, dob: null, email: null, street: null, city: null, postcode: null, country },
});
const order = (user: string, id: string, price: number, deleted: 0 | 1 = 0): IngestRecord => ({
  kind: 'order',
  row: { user_id: user, channel: 'online', order_id: id, date: Date.now() - DAY, item_names: ['Coat'], item_prices: [price], item_quantities: [1], location: null, deleted },
  announce: false,
});

let t: TestGateway;
let browser: TestBrowser;
let page: Page;
const pageErrors: string[] = [];
let dir: string | undefined;

const texts = async (selector: string) => (await page.locator(selector).allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  dir = await mkdtemp(path.join(tmpdir(), 'c360-console-segments-'));
  await writeFile(path.join(dir, 'segments.yml'), SEGMENTS);
  t = await startTestGateway({ SEGMENTS_FILE: path.join(dir, 'segments.yml') });
  await t.gateway.segmentsReady;
  await t.gateway.sink.write([customer('S1', 'Amélie', 'France'), order('S1', 'S1-o1', 150), customer('S2', 'Bruno', 'France'), customer('S3', 'Carmen', 'Spain')]);
  await t.gateway.segments.idle();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (err) => pageErrors.push(err.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the profile shows a chip per segment, which opens that segment', async () => {
  await page.goto(`${t.url}/?customer=S1`);
  await page.locator('[data-field=segments] .chip--segment').first().waitFor();
  expect(await texts('[data-field=segments] .chip--segment')).toEqual(['big-spender', 'french']);
  await page.goto(`${t.url}/?customer=S3`);
  await page.locator('[data-panel=details] h1', { hasText: 'Carmen Segment' }).waitFor();
  expect(await page.locator('[data-field=segments]').count()).toBe(0);

  await page.goto(`${t.url}/?customer=S1`);
  await page.locator('[data-field=segments] a', { hasText: 'french' }).click();
  await page.locator('[data-panel=segment-members] [data-member]').first().waitFor();
  expect(new URL(page.url()).searchParams.get('segments')).toBe('french');
  expect(await texts('[data-panel=segment-members] [data-member]')).toEqual(['S1 Amélie Segment', 'S2 Bruno Segment']);
  expect(await texts('[data-panel=segment-members] [data-field=definition]')).toEqual(['country: France']);
});

test('the Segments page lists sizes and shows entries and exits live, with the sizes following', async () => {
  await page.goto(`${t.url}/?segments`);
  await page.locator('[data-segment=big-spender]').waitFor();
  expect(await texts('.segment-item__name')).toEqual(['big-spender', 'french']);
  expect(await texts('.segment-item__size')).toEqual(['1', '2']);
  // The first segment is selected when none is named.
  await page.locator('[data-panel=segment-members] [data-member=S1]').waitFor();
  await page.locator('.live[data-live-state=live]').waitFor({ timeout: LIVE_TIMEOUT });
  // The page's subscription has reached the gateway.
  for (const deadline = Date.now() + LIVE_TIMEOUT; t.gateway.segments.subscribers === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 25));

  await t.gateway.sink.write([order('S3', 'S3-o1', 200)]);
  await page.locator('.segment-feed__item[data-change=ENTERED]', { hasText: 'S3' }).waitFor({ timeout: LIVE_TIMEOUT });
  expect(await texts('.segment-feed__item')).toEqual([expect.stringMatching(/^entered S3 big-spender /)]);
  await page.locator('[data-segment=big-spender] [data-field=size]', { hasText: '2' }).waitFor();

  await t.gateway.sink.write([order('S3', 'S3-o1', 200, 1)]);
  await page.locator('.segment-feed__item[data-change=EXITED]').waitFor({ timeout: LIVE_TIMEOUT });
  expect(await texts('.segment-feed__item')).toEqual([expect.stringMatching(/^left S3 big-spender /), expect.stringMatching(/^entered S3 big-spender /)]);
  await page.locator('[data-segment=big-spender] [data-field=size]', { hasText: '1' }).waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'segments-laptop.png'), fullPage: true });

  // A member opens their profile.
  await page.locator('[data-panel=segment-members] [data-member=S1]').click();
  await page.locator('[data-panel=details] h1', { hasText: 'Amélie Segment' }).waitFor();
  expect(new URL(page.url()).searchParams.get('customer')).toBe('S1');
  expect(pageErrors).toEqual([]);
});
