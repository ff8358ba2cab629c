import {
  BeforeChangesDocument,
  CustomerNamesDocument,
  FavouriteProductsDocument,
  FullProfileDocument,
  FullProfilesDocument,
  RecentErrorsDocument,
  SearchCustomersDocument,
  TimelineDocument,
  type ActivityType,
  type TimelineQuery,
} from '../generated/graphql';
import {
  EXPECTED_AGES,
  P1_BEFORE_CHANGES,
  P1_FAVOURITES,
  P1_LAST_ACTIVITY,
  P1_LOGINS_AND_ERRORS,
  P1_PURCHASE_STATS,
  P1_RECENT_ERRORS,
  P1_TIMELINE,
  P5_SUMMARIES,
  P6_FAVOURITES,
  profileFixture,
} from '../fixtures/profile.fixture';
import { rebuildRollups } from '../../src/ingest/rollup/rebuild';
import { createLogger } from '../../src/logger';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { expectRollupsMatchSources } from '../utils/verify';

let t: TestGateway;
const fixture = profileFixture();

beforeAll(async () => {
  t = await startTestGateway();
  await t.gateway.sink.write(fixture.initial);
});
afterAll(() => t.close());

type Timeline = NonNullable<TimelineQuery['customer']>['timeline'];

async function timelinePage(id: string, first: number, after: string | null, types?: ActivityType[]): Promise<Timeline> {
  const res = await t.graphql(TimelineDocument, { id, first, after, types });
  expect(res.errors).toBeUndefined();
  return res.data!.customer!.timeline;
}

/** Every page of a customer's timeline, following endCursor. */
async function allPages(id: string, first: number, types?: ActivityType[]) {
  const pages: Array<{ nodes: Array<{ type: string; at: string; summary: string }>; hasNextPage: boolean; hasPreviousPage: boolean }> = [];
  let after: string | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const timeline = await timelinePage(id, first, after, types);
    const { pageInfo } = timeline;
    pages.push({ nodes: timeline.edges.map((e) => e.node), hasNextPage: pageInfo.hasNextPage, hasPreviousPage: pageInfo.hasPreviousPage });
    // The Relay rule for both ends: the page's cursors are its first and last edges'.
    expect(pageInfo.startCursor).toBe(timeline.edges[0]?.cursor ?? null);
    expect(pageInfo.endCursor).toBe(timeline.edges.at(-1)?.cursor ?? null);
    if (!pageInfo.hasNextPage) return pages;
    after = pageInfo.endCursor;
  }
  throw new Error('the timeline never ended');
}

// Runs first: the state after the sources' first delivery, before updates, deletes and redeliveries.
describe('before the changes arrive', () => {
  test('every order, the first email message and each error count as delivered', async () => {
    const res = await t.graphql(BeforeChangesDocument, { id: 'P1' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.customer!.purchaseStats.instore).toEqual(P1_BEFORE_CHANGES.instore);
    expect(res.data!.customer!.lastActivity.lastEmailOpened).toBe(P1_BEFORE_CHANGES.lastEmailOpened);
    const checkout = res.data!.customer!.recentErrors.find((e) => e.page === 'checkout.html');
    expect(checkout?.occurrences).toBe(P1_BEFORE_CHANGES.checkoutErrors);
    const p3 = await t.graphql(CustomerNamesDocument, { ids: ['P3'] });
    expect(p3.data!.customers).toEqual([{ id: 'P3', firstName: 'Alan', lastName: 'Turing' }]);
  });

  afterAll(async () => {
    await t.gateway.sink.write(fixture.changes);
  });
});

describe('the full profile', () => {
  test('of a customer with everything', async () => {
    const res = await t.graphql(FullProfileDocument, { id: 'P1', first: 50 });
    expect(res.errors).toBeUndefined();
    const c = res.data!.customer!;
    expect(c.id).toBe('P1');
    expect(c.firstName).toBe('Ada');
    expect(c.lastName).toBe('Lovelace');
    expect(c.gender).toBe('female');
    expect(c.age).toBe(EXPECTED_AGES.P1);
    expect(c.email).toBe('Ada.Lovelace@Example.com');
    expect(c.address).toEqual({ street: null, city: 'London', postcode: null, country: 'United Kingdom' });
    expect(c.purchaseStats).toEqual(P1_PURCHASE_STATS);
    expect(c.favouriteProducts).toEqual(P1_FAVOURITES);
    expect(c.lastActivity).toEqual(P1_LAST_ACTIVITY);
    expect(c.recentErrors).toEqual(P1_RECENT_ERRORS);
    expect(c.timeline.edges.map((e) => e.node)).toEqual(P1_TIMELINE);
    expect(c.timeline.pageInfo).toEqual({ hasNextPage: false, endCursor: c.timeline.edges.at(-1)!.cursor });
  });

  test('of a customer with nothing but their details: zeros, nulls and empty lists', async () => {
    const res = await t.graphql(FullProfileDocument, { id: 'P4' });
    expect(res.errors).toBeUndefined();
    const c = res.data!.customer!;
    const none = { orders: 0, items: 0, itemsPerOrder: 0, amountSpent: 0, lastOrderAt: null };
    expect(c.purchaseStats).toEqual({ online: none, instore: none, totalOrders: 0, totalItems: 0, totalSpent: 0 });
    expect(c.favouriteProducts).toEqual([]);
    expect(c.lastActivity).toEqual({
      lastInstoreOrder: null,
      lastOnlineOrder: null,
      lastEmailSent: null,
      lastEmailOpened: null,
      lastEmailClicked: null,
      lastWebsiteVisit: null,
      lastLogin: null,
    });
    expect(c.timeline).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    expect(c.recentErrors).toEqual([]);
  });
});

describe('age', () => {
  test('a birthday today counts, tomorrow does not yet, yesterday does', async () => {
    const res = await t.graphql(FullProfilesDocument, { ids: ['P1', 'P2', 'P4'] });
    expect(res.errors).toBeUndefined();
    expect(res.data!.customers.map((c) => [c?.id, c?.age])).toEqual([
      ['P1', EXPECTED_AGES.P1],
      ['P2', EXPECTED_AGES.P2],
      ['P4', EXPECTED_AGES.P4],
    ]);
  });

  test('no date of birth gives no age', async () => {
    const res = await t.graphql(FullProfileDocument, { id: 'P5' });
    expect(res.data!.customer).toMatchObject({ dateOfBirth: null, age: null });
  });
});

describe('favouriteProducts', () => {
  test('groups names case-insensitively, most purchases first, ties by name', async () => {
    const res = await t.graphql(FavouriteProductsDocument, { id: 'P1', limit: 50 });
    expect(res.data!.customer!.favouriteProducts).toEqual(P1_FAVOURITES);
  });

  test('limit takes the first ones', async () => {
    const res = await t.graphql(FavouriteProductsDocument, { id: 'P1', limit: 2 });
    expect(res.data!.customer!.favouriteProducts).toEqual([
      { productName: 'JEANS', purchases: 3 },
      { productName: 'BELT', purchases: 2 },
    ]);
  });

  test('accented letters group case-insensitively too', async () => {
    const res = await t.graphql(FavouriteProductsDocument, { id: 'P6' });
    expect(res.data!.customer!.favouriteProducts).toEqual(P6_FAVOURITES);
  });
});

describe('recentErrors', () => {
  test('limit takes the newest groups', async () => {
    const res = await t.graphql(RecentErrorsDocument, { id: 'P1', limit: 2 });
    expect(res.data!.customer!.recentErrors).toEqual(P1_RECENT_ERRORS.slice(0, 2));
  });
});

describe('timeline', () => {
  test('the default page is the newest 20', async () => {
    const res = await t.graphql(TimelineDocument, { id: 'P1' });
    expect(res.data!.customer!.timeline.edges.map((e) => e.node)).toEqual(P1_TIMELINE);
    expect(res.data!.customer!.timeline.pageInfo.hasNextPage).toBe(false);
  });

  test('paging with first/after visits every entry once, in order', async () => {
    const pages = await allPages('P1', 5);
    expect(pages.map((p) => p.nodes.length)).toEqual([5, 5, 5, 1]);
    expect(pages.map((p) => p.hasNextPage)).toEqual([true, true, true, false]);
    expect(pages.map((p) => p.hasPreviousPage)).toEqual([false, true, true, true]);
    expect(pages.flatMap((p) => p.nodes)).toEqual(P1_TIMELINE);
  });

  test('an empty page has null cursors, and still says what lies on each side', async () => {
    const none = await timelinePage('P1', 0, null);
    expect(none).toEqual({ edges: [], pageInfo: { hasPreviousPage: false, hasNextPage: true, startCursor: null, endCursor: null } });
    const last = (await timelinePage('P1', P1_TIMELINE.length, null)).pageInfo.endCursor;
    const beyond = await timelinePage('P1', 5, last);
    expect(beyond).toEqual({ edges: [], pageInfo: { hasPreviousPage: true, hasNextPage: false, startCursor: null, endCursor: null } });
  });

  test('hasPreviousPage counts the entry at the cursor and those before it, within the types asked for', async () => {
    // P1's two newest entries are an email and an in-store order; the first online order is fifth.
    const [, second, , , fifth] = (await timelinePage('P1', 5, null)).edges.map((e) => e.cursor);
    // Only the entry at the cursor itself precedes the page.
    expect((await timelinePage('P1', 1, second!, ['INSTORE_ORDER'])).pageInfo.hasPreviousPage).toBe(true);
    // No online order is at or before the second entry; the one at the fifth counts.
    expect((await timelinePage('P1', 1, second!, ['ONLINE_ORDER'])).pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    expect((await timelinePage('P1', 1, fifth!, ['ONLINE_ORDER'])).pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
  });

  test('a page that ends exactly at the last entry has no next page', async () => {
    const pages = await allPages('P1', 8);
    expect(pages.map((p) => p.nodes.length)).toEqual([8, 8]);
    expect(pages.map((p) => p.hasNextPage)).toEqual([true, false]);
  });

  test('types filters, and pages within the filter', async () => {
    const pages = await allPages('P1', 3, ['LOGIN', 'WEBSITE_ERROR']);
    expect(pages.map((p) => p.nodes.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((p) => p.nodes).map(({ type, at }) => ({ type, at }))).toEqual(P1_LOGINS_AND_ERRORS);
  });

  test('entries at the same instant are neither repeated nor skipped across pages', async () => {
    for (const first of [1, 2, 4, 16, 17]) {
      const nodes = (await allPages('P5', first)).flatMap((p) => p.nodes);
      expect(nodes.map((n) => n.summary).sort()).toEqual([...P5_SUMMARIES].sort());
      expect(new Set(nodes.map((n) => n.at))).toEqual(new Set(['2024-01-01T00:00:00.000Z']));
    }
  });

  test('a cursor from one filter continues the same timeline under another', async () => {
    const first = await t.graphql(TimelineDocument, { id: 'P1', first: 1, types: ['ONLINE_ORDER'] });
    const after = first.data!.customer!.timeline.pageInfo.endCursor;
    expect(first.data!.customer!.timeline.edges[0]!.node.at).toBe('2024-04-01T09:30:00.000Z');
    const rest = await t.graphql(TimelineDocument, { id: 'P1', first: 2, after });
    expect(rest.data!.customer!.timeline.edges.map((e) => e.node.summary)).toEqual([
      'Visited account.html',
      'Error on login.html: Invalid password',
    ]);
  });
});

describe('updates, deletes and redeliveries', () => {
  test('a deleted customer is null', async () => {
    const res = await t.graphql(FullProfileDocument, { id: 'P3' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.customer).toBeNull();
  });

  test('an updated order counts once, as its latest version; a deleted order no longer counts', async () => {
    const res = await t.graphql(FullProfileDocument, { id: 'P1', first: 50 });
    expect(res.data!.customer!.purchaseStats.instore).toEqual(P1_PURCHASE_STATS.instore);
    const instore = res.data!.customer!.timeline.edges.filter((e) => e.node.type === 'INSTORE_ORDER');
    expect(instore.map((e) => e.node.summary)).toEqual(['In-store order in Dublin: 1 item, 24.00', 'In-store order in Paris: 3 items, 83.00']);
  });

  test('a Kafka message delivered twice counts once', async () => {
    const res = await t.graphql(FullProfileDocument, { id: 'P1', first: 50 });
    const c = res.data!.customer!;
    expect(c.recentErrors.find((e) => e.page === 'checkout.html')?.occurrences).toBe(2);
    expect(c.timeline.edges.filter((e) => e.node.summary.startsWith('Marketing email PE2'))).toHaveLength(1);
    expect(c.timeline.edges.filter((e) => e.node.at === '2024-03-04T09:00:00.000Z')).toHaveLength(1);
  });

  test('a later marketing email message replaces the earlier one', async () => {
    const res = await t.graphql(FullProfileDocument, { id: 'P1', first: 50 });
    const c = res.data!.customer!;
    expect(c.lastActivity.lastEmailOpened).toBe('2024-04-20T08:00:00.000Z');
    expect(c.timeline.edges.filter((e) => e.node.summary.startsWith('Marketing email PE1')).map((e) => e.node.summary)).toEqual([
      'Marketing email PE1 sent (opened)',
    ]);
  });
});

describe('customers(ids)', () => {
  test('keeps the order of ids, with null for unknown and deleted ones', async () => {
    const res = await t.graphql(CustomerNamesDocument, { ids: ['P4', 'nobody', 'P1', 'P3', 'P4'] });
    expect(res.errors).toBeUndefined();
    expect(res.data!.customers).toEqual([
      { id: 'P4', firstName: 'Mary', lastName: 'Somerville' },
      null,
      { id: 'P1', firstName: 'Ada', lastName: 'Lovelace' },
      null,
      { id: 'P4', firstName: 'Mary', lastName: 'Somerville' },
    ]);
  });

  test('an empty list gives an empty list', async () => {
    const res = await t.graphql(CustomerNamesDocument, { ids: [] });
    expect(res.data!.customers).toEqual([]);
  });
});

describe('searchCustomers', () => {
  const ids = async (query: string, first?: number) => {
    const res = await t.graphql(SearchCustomersDocument, { query, first });
    expect(res.errors).toBeUndefined();
    return res.data!.searchCustomers.map((c) => c.id);
  };

  test('finds a customer by id, case-insensitively', async () => {
    expect(await ids('P2')).toEqual(['P2']);
    expect(await ids('p2')).toEqual(['P2']);
  });

  test('finds a customer by email, case-insensitively', async () => {
    expect(await ids('ada.lovelace@example.com')).toEqual(['P1']);
    expect(await ids('GRACE@NAVY.EXAMPLE')).toEqual(['P2']);
  });

  test('finds customers by part of a name, case-insensitively', async () => {
    expect(await ids('lovel')).toEqual(['P1']);
    expect(await ids('HOPPER')).toEqual(['P2']);
    expect(await ids('ada lovelace')).toEqual(['P1']);
    expect(await ids('émilie')).toEqual(['P6']);
  });

  test('never finds a deleted customer', async () => {
    expect(await ids('turing')).toEqual([]);
    expect(await ids('P3')).toEqual([]);
  });

  test('first bounds the number of results', async () => {
    expect(await ids('example', 2)).toHaveLength(2);
    expect((await ids('example', 10)).length).toBeGreaterThan(2);
  });

  test('a found customer resolves its profile fields too', async () => {
    const res = await t.graphql(`query { searchCustomers(query: "lovelace") { id age purchaseStats { totalOrders } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ searchCustomers: [{ id: 'P1', age: EXPECTED_AGES.P1, purchaseStats: { totalOrders: 4 } }] });
  });
});

describe('the rollups', () => {
  test('equal a recomputation from the source tables, field by field, after the updates, deletes and redeliveries', async () => {
    const result = await expectRollupsMatchSources(t.gateway.store);
    expect(result.customers).toBe(6);
  });

  test('a rebuild from the source tables gives the same profiles as keeping them up to date', async () => {
    const before = await t.graphql(FullProfilesDocument, { ids: ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'] });
    await rebuildRollups(t.gateway.store, t.gateway.sink.nextVersion(), createLogger('silent'));
    const after = await t.graphql(FullProfilesDocument, { ids: ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'] });
    expect(after).toEqual(before);
    await expectRollupsMatchSources(t.gateway.store);
  });
});
