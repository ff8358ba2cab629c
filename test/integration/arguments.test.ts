import { CustomerNamesDocument, FavouriteProductsDocument, FullProfileDocument, RecentErrorsDocument, SearchCustomersDocument, TimelineDocument } from '../generated/graphql';
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../utils/gateway';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
  await t.gateway.sink.write([
    {
      kind: 'customer',
      row: { id: 'A1', source_id: 'A1', first_name: 'Ada', last_name: 'Lovelace', gender: null, dob: null, email: 'ada@example.com', street: null, city: null, postcode: null, country: null },
    },
  ]);
});
afterAll(() => t.close());

/** Asserts one BAD_USER_INPUT error whose message names the argument, and that nothing internal leaks. */
function expectBadUserInput(res: GraphQLResponse<unknown>, argument: string): void {
  expect(res.errors).toHaveLength(1);
  const [error] = res.errors!;
  expect(error!.extensions?.['code']).toBe('BAD_USER_INPUT');
  expect(error!.message).toContain(argument);
  expectNothingInternal(res);
}

function expectNothingInternal(res: GraphQLResponse<unknown>): void {
  const text = JSON.stringify(res);
  expect(text).not.toMatch(/stacktrace|\bat \S+ \(|node_modules|\/src\/|ClickHouse|SELECT |Exception/i);
  for (const error of res.errors ?? []) expect(error.extensions?.['exception']).toBeUndefined();
}

describe('unknown ids', () => {
  test('an unknown customer is null, without an error', async () => {
    const res = await t.graphql(FullProfileDocument, { id: 'nobody' });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ customer: null });
  });

  test('unknown ids in customers(ids) are null, in place', async () => {
    const res = await t.graphql(CustomerNamesDocument, { ids: ['nobody', 'A1'] });
    expect(res.errors).toBeUndefined();
    expect(res.data!.customers).toEqual([null, { id: 'A1', firstName: 'Ada', lastName: 'Lovelace' }]);
  });
});

describe('sizes out of range are BAD_USER_INPUT naming the argument', () => {
  test.each([-1, 101, 1_000_000, 2_147_483_647])('timeline first: %d', async (first) => {
    const res = await t.graphql(TimelineDocument, { id: 'A1', first });
    expectBadUserInput(res, '"first"');
    expect(res.errors![0]!.message).toBe(`Argument "first" must be an integer from 0 to 100; got ${first}.`);
    expect(res.errors![0]!.path).toEqual(['customer', 'timeline']);
  });

  test.each([-1, 51, 1_000_000])('favouriteProducts limit: %d', async (limit) => {
    const res = await t.graphql(FavouriteProductsDocument, { id: 'A1', limit });
    expectBadUserInput(res, '"limit"');
    expect(res.errors![0]!.path).toEqual(['customer', 'favouriteProducts']);
  });

  test.each([-1, 51, 1_000_000])('recentErrors limit: %d', async (limit) => {
    const res = await t.graphql(RecentErrorsDocument, { id: 'A1', limit });
    expectBadUserInput(res, '"limit"');
    expect(res.errors![0]!.path).toEqual(['customer', 'recentErrors']);
  });

  test.each([-1, 0, 101, 1_000_000])('searchCustomers first: %d', async (first) => {
    const res = await t.graphql(SearchCustomersDocument, { query: 'ada', first });
    expectBadUserInput(res, '"first"');
  });

  test('the bounds themselves are accepted', async () => {
    const res = await t.graphql(
      `query { customer(id: "A1") { timeline(first: 100) { edges { cursor } } none: timeline(first: 0) { edges { cursor } }
         favouriteProducts(limit: 50) { productName } recentErrors(limit: 0) { message } }
         searchCustomers(query: "ada", first: 100) { id } }`,
    );
    expect(res.errors).toBeUndefined();
  });

  test('literals out of range in the document are rejected the same way', async () => {
    const res = await t.graphql(`query { customer(id: "A1") { recentErrors(limit: -5) { message } } }`);
    expectBadUserInput(res, '"limit"');
  });

  test('a number beyond GraphQL Int is BAD_USER_INPUT naming the variable', async () => {
    const res = await t.graphql(TimelineDocument, { id: 'A1', first: 2 ** 31 });
    expectBadUserInput(res, '$first');
  });

  test('more ids than MAX_IDS (100)', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `id-${i}`);
    const res = await t.graphql(CustomerNamesDocument, { ids });
    expectBadUserInput(res, '"ids"');
    expect(res.errors![0]!.message).toBe('Argument "ids" may hold at most 100 ids; got 101.');
  });

  test('exactly MAX_IDS ids are fine', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => (i === 42 ? 'A1' : `id-${i}`));
    const res = await t.graphql(CustomerNamesDocument, { ids });
    expect(res.errors).toBeUndefined();
    expect(res.data!.customers.filter(Boolean)).toEqual([{ id: 'A1', firstName: 'Ada', lastName: 'Lovelace' }]);
  });
});

describe('malformed values are BAD_USER_INPUT naming the argument', () => {
  test.each(['garbage', 'eyJub3QiOiJhIGN1cnNvciJ9', '', 'W10'])('a malformed after cursor: %j', async (after) => {
    const res = await t.graphql(TimelineDocument, { id: 'A1', after });
    expectBadUserInput(res, '"after"');
  });

  test.each(['', '   '])('an empty search query: %j', async (query) => {
    const res = await t.graphql(SearchCustomersDocument, { query });
    expectBadUserInput(res, '"query"');
  });

  test('a search query longer than 200 characters', async () => {
    const res = await t.graphql(SearchCustomersDocument, { query: 'a'.repeat(201) });
    expectBadUserInput(res, '"query"');
  });

  test('an unknown activity type', async () => {
    const res = await t.graphql(TimelineDocument, { id: 'A1', types: ['PHONE_CALL' as never] });
    expectBadUserInput(res, '$types');
  });
});

describe('what clients never see', () => {
  test('SQL-looking input is only ever data', async () => {
    for (const query of ["' OR 1=1 --", "A1') OR ('1'='1", '{query:String}', '\\', '%_%']) {
      const res = await t.graphql(SearchCustomersDocument, { query });
      expect(res.errors).toBeUndefined();
      expect(res.data!.searchCustomers).toEqual([]);
    }
    const res = await t.graphql(FullProfileDocument, { id: "A1' OR '1'='1" });
    expect(res.errors).toBeUndefined();
    expect(res.data!.customer).toBeNull();
  });

  test('errors carry no stack trace or internals', async () => {
    const res = await t.graphql(`query { customer(id: "A1") { timeline(first: -1, after: "x") { edges { cursor } } } }`);
    expect(res.errors?.length).toBeGreaterThan(0);
    expectNothingInternal(res);
  });
});
