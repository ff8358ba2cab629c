import type { ClickHouseStore } from '../store/clickhouse';

export interface ChannelStats {
  orders: number;
  items: number;
  itemsPerOrder: number;
  amountSpent: number;
  lastOrderAt: Date | null;
}

export interface PurchaseStats {
  online: ChannelStats;
  instore: ChannelStats;
  totalOrders: number;
  totalItems: number;
  totalSpent: number;
}

interface Row {
  user_id: string;
  channel: string;
  orders: number;
  items: number;
  amount: number;
  last_ms: number;
}

// items = order lines (the seed's COUNT(*) after UNNEST); amount = sum of price x quantity.
const SQL = `
SELECT user_id, channel,
       count() AS orders,
       sum(length(item_names)) AS items,
       sum(arraySum((p, q) -> p * q, item_prices, item_quantities)) AS amount,
       toUnixTimestamp64Milli(max(date)) AS last_ms
FROM orders FINAL
WHERE user_id IN {ids:Array(String)}
GROUP BY user_id, channel`;

const NO_ORDERS: ChannelStats = { orders: 0, items: 0, itemsPerOrder: 0, amountSpent: 0, lastOrderAt: null };

function channelStats(row: Row | undefined): ChannelStats {
  if (!row) return NO_ORDERS;
  return {
    orders: row.orders,
    items: row.items,
    itemsPerOrder: row.orders === 0 ? 0 : row.items / row.orders,
    amountSpent: row.amount,
    lastOrderAt: new Date(row.last_ms),
  };
}

export function purchaseStatsBatch(store: ClickHouseStore) {
  return async (ids: readonly string[]): Promise<PurchaseStats[]> => {
    const rows = await store.query<Row>('purchaseStats', SQL, { ids });
    const byKey = new Map(rows.map((r) => [`${r.channel}\u0000${r.user_id}`, r]));
    return ids.map((id) => {
      const online = channelStats(byKey.get(`online\u0000${id}`));
      const instore = channelStats(byKey.get(`instore\u0000${id}`));
      return {
        online,
        instore,
        totalOrders: online.orders + instore.orders,
        totalItems: online.items + instore.items,
        totalSpent: online.amountSpent + instore.amountSpent,
      };
    });
  };
}
