import type { ClickHouseStore } from '../store/clickhouse';
import { groupByUser, keyedBatch } from './keyed';

export interface FavouriteProduct {
  productName: string;
  purchases: number;
}

// purchases = order lines of that product across both channels; ties by name ascending.
// upperUTF8, not upper: upper() changes ASCII letters only, so 'Écharpe' and 'ÉCHARPE' would not group.
const SQL = `
SELECT user_id, upperUTF8(name) AS product, count() AS purchases
FROM orders FINAL
ARRAY JOIN item_names AS name
WHERE user_id IN {ids:Array(String)}
GROUP BY user_id, product
ORDER BY user_id, purchases DESC, product ASC
LIMIT {limit:UInt32} BY user_id`;

export function favouriteProductsBatch(store: ClickHouseStore) {
  return keyedBatch<{ limit: number }, FavouriteProduct[]>(
    ({ limit }) => String(limit),
    async (ids, { limit }) => {
      const rows = await store.query<{ user_id: string; product: string; purchases: number }>(
        'favouriteProducts',
        SQL,
        { ids, limit },
      );
      return groupByUser(rows, (r) => ({ productName: r.product, purchases: r.purchases }));
    },
    () => [],
  );
}
