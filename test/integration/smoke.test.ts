import { FullProfileDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../utils/gateway';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(() => t.close());

test('a customer written through the sink is served by the customer query', async () => {
  await t.gateway.sink.write([
    {
      kind: 'customer',
      row: { id: 'S1', source_id: 'S1', first_name: 'Ada', last_name: 'Lovelace', gender: 'female', dob: '1815-12-10', email: 'ada@example.com', street: null, city: 'London', postcode: null, country: 'United Kingdom' },
    },
  ]);
  const res = await t.graphql(FullProfileDocument, { id: 'S1' });
  expect(res.errors).toBeUndefined();
  expect(res.data?.customer?.firstName).toBe('Ada');
  expect(res.data?.customer?.address).toEqual({ street: null, city: 'London', postcode: null, country: 'United Kingdom' });
  expect(res.data?.customer?.purchaseStats.totalOrders).toBe(0);
});
