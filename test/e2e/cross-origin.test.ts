import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { hashApiKey } from '../../src/auth/credentials';
import { launchBrowser, type TestBrowser } from '../utils/browser';
import { startTestGateway, type TestGateway } from '../utils/gateway';

/**
 * A storefront on another origin calls the gateway from the browser: its page loads a profile over HTTP
 * (CORS with credentials) and subscribes to live activity over graphql-ws. Served on a listed origin
 * (http://127.0.0.1:port) both work; the very same page on an origin that is not listed
 * (http://localhost:port) is refused both.
 */

const KEY = 'storefront-e2e-personalisation-key';
const ID = 'W0000001';

let storefront: Server;
let storePort: number;
let t: TestGateway;
let browser: TestBrowser;

beforeAll(async () => {
  storefront = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Storefront</title><p>Storefront</p>');
  });
  await new Promise<void>((resolve) => storefront.listen(0, '127.0.0.1', resolve));
  storePort = (storefront.address() as AddressInfo).port;
  t = await startTestGateway({ AUTH_API_KEYS: `${hashApiKey(KEY)}:personalisation:storefront`, ALLOWED_ORIGINS: `http://127.0.0.1:${storePort}` });
  await t.gateway.sink.write([
    {
      kind: 'customer',
      row: { id: ID, source_id: ID, first_name: 'Wren', last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null },
    },
    {
      kind: 'order',
      row: { user_id: ID, channel: 'online', order_id: 'W-1', date: Date.parse('2025-01-05T10:00:00.000Z'), item_names: ['Scarf'], item_prices: [20], item_quantities: [2], location: 'Leeds' },
    },
  ]);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await new Promise((resolve) => storefront?.close(resolve));
});

async function storefrontPage(host: '127.0.0.1' | 'localhost'): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`http://${host}:${storePort}/`);
  return page;
}

/** What the page's own script gets when it loads a profile with fetch (credentials included). */
function loadProfile(page: Page) {
  return page.evaluate(
    async ({ gateway, key, id }) => {
      try {
        const response = await fetch(`${gateway}/graphql`, {
          method: 'POST',
          credentials: 'include',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify({ query: `{ customer(id: "${id}") { id purchaseStats { totalOrders totalSpent } } }` }),
        });
        return { status: response.status, body: (await response.json()) as unknown, requestId: response.headers.get('x-request-id') };
      } catch (error) {
        return { failed: String(error) };
      }
    },
    { gateway: t.url, key: KEY, id: ID },
  );
}

/** Opens a graphql-ws connection from the page and subscribes; the messages collect in window.received. */
function subscribe(page: Page) {
  return page.evaluate(
    ({ url, key, id }) =>
      new Promise<string>((resolve) => {
        const w = globalThis as unknown as { received: unknown[] };
        w.received = [];
        const socket = new WebSocket(url, 'graphql-transport-ws');
        socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: { apiKey: key } }));
        socket.onclose = (event) => resolve(`closed ${event.code}`);
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { type: string };
          w.received.push(message);
          if (message.type === 'connection_ack') {
            const query = `subscription { customerActivity(customerId: "${id}") { customerId type summary } }`;
            socket.send(JSON.stringify({ id: 'live', type: 'subscribe', payload: { query } }));
            resolve('subscribed');
          }
        };
      }),
    { url: `${t.url.replace(/^http/, 'ws')}/graphql`, key: KEY, id: ID },
  );
}

test('a page on a listed origin loads a profile over HTTP and receives live activity over WebSocket', async () => {
  const page = await storefrontPage('127.0.0.1');
  const profile = await loadProfile(page);
  expect(profile).toMatchObject({ status: 200, body: { data: { customer: { id: ID, purchaseStats: { totalOrders: 1, totalSpent: 40 } } } } });
  // Exposed to the page, for quoting in a support request.
  expect(profile).toMatchObject({ requestId: expect.stringMatching(/\S/) });

  const before = t.gateway.bus.subscriberCount();
  expect(await subscribe(page)).toBe('subscribed');
  const deadline = Date.now() + 10_000;
  while (t.gateway.bus.subscriberCount() <= before) {
    if (Date.now() > deadline) throw new Error('the subscription never reached the gateway');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await t.gateway.sink.write([{ kind: 'weblog', row: { user_id: ID, date: Date.now(), page: 'sale.html', error_message: null, event_key: `${ID}-live` } }]);
  const next = await page.waitForFunction(() => (globalThis as unknown as { received: Array<{ type: string }> }).received.find((m) => m.type === 'next'));
  expect(await next.jsonValue()).toMatchObject({ id: 'live', payload: { data: { customerActivity: { customerId: ID, type: 'WEBSITE_VISIT' } } } });
  await page.close();
});

test('the same page on an origin that is not listed is refused both', async () => {
  const page = await storefrontPage('localhost');
  expect(await loadProfile(page)).toEqual({ failed: expect.stringMatching(/TypeError: Failed to fetch/) });
  // The upgrade is refused (403), so the socket never opens: 1006, an abnormal closure.
  expect(await subscribe(page)).toBe('closed 1006');
  await page.close();
});
