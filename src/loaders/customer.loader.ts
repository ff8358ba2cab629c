import type { ClickHouseStore } from '../store/clickhouse';

export interface CustomerRecord {
  id: string;
  first_name: string | null;
  last_name: string | null;
  gender: string | null;
  dob: string | null;
  email: string | null;
  street: string | null;
  city: string | null;
  postcode: string | null;
  country: string | null;
}

const COLUMNS = 'id, first_name, last_name, gender, toString(dob) AS dob, email, street, city, postcode, country';

// FINAL applies the latest version of each customer and drops deleted ones, merged or not.
const BY_IDS = `SELECT ${COLUMNS} FROM customers FINAL WHERE id IN {ids:Array(String)}`;

const SEARCH = `
SELECT ${COLUMNS},
       multiIf(id = {query:String}, 0, lower(ifNull(email, '')) = lower({query:String}), 1, 2) AS rank
FROM customers FINAL
WHERE id = {query:String}
   OR positionCaseInsensitiveUTF8(ifNull(email, ''), {query:String}) > 0
   OR positionCaseInsensitiveUTF8(concat(ifNull(first_name, ''), ' ', ifNull(last_name, '')), {query:String}) > 0
ORDER BY rank, last_name, first_name, id
LIMIT {first:UInt32}`;

export function customerBatch(store: ClickHouseStore) {
  return async (ids: readonly string[]): Promise<Array<CustomerRecord | null>> => {
    const rows = await store.query<CustomerRecord>('customers', BY_IDS, { ids });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  };
}

/** Customers whose id or email matches exactly, or whose email or name contains the text (case-insensitive). */
export async function searchCustomers(store: ClickHouseStore, query: string, first: number): Promise<CustomerRecord[]> {
  const rows = await store.query<CustomerRecord & { rank?: number }>('searchCustomers', SEARCH, { query, first });
  return rows.map(({ rank: _rank, ...customer }) => customer);
}
