import type { ClickHouseStore } from '../store/clickhouse';
import type { CustomerDetails } from '../store/rollup';

export type CustomerRecord = CustomerDetails;

const COLUMNS = 'id, first_name, last_name, gender, toString(dob) AS dob, email, street, city, postcode, country';

// SPEC: id, email or name, case-insensitive. An id or email that matches exactly ranks first.
const SEARCH = `
SELECT ${COLUMNS},
       multiIf(lower(id) = lower({query:String}), 0, lower(ifNull(email, '')) = lower({query:String}), 1, 2) AS rank
FROM customers FINAL
WHERE lower(id) = lower({query:String})
   OR positionCaseInsensitiveUTF8(ifNull(email, ''), {query:String}) > 0
   OR positionCaseInsensitiveUTF8(concat(ifNull(first_name, ''), ' ', ifNull(last_name, '')), {query:String}) > 0
ORDER BY rank, last_name, first_name, id
LIMIT {first:UInt32}`;

/** Customers whose id or email matches exactly, or whose email or name contains the text (all case-insensitive). */
export async function searchCustomers(store: ClickHouseStore, query: string, first: number): Promise<CustomerRecord[]> {
  const rows = await store.query<CustomerRecord & { rank?: number }>('searchCustomers', SEARCH, { query, first });
  return rows.map(({ rank: _rank, ...customer }) => customer);
}
