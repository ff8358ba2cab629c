import type { ClickHouseStore } from '../store/clickhouse';
import { groupByUser, keyedBatch } from './keyed';

export interface WebError {
  message: string;
  page: string;
  lastSeen: Date;
  occurrences: number;
}

const SQL = `
SELECT user_id, assumeNotNull(error_message) AS message, page,
       toUnixTimestamp64Milli(max(date)) AS last_ms, count() AS occurrences
FROM weblogs FINAL
WHERE user_id IN {ids:Array(String)} AND error_message IS NOT NULL AND error_message != ''
GROUP BY user_id, message, page
ORDER BY user_id, last_ms DESC, message, page
LIMIT {limit:UInt32} BY user_id`;

interface Row {
  user_id: string;
  message: string;
  page: string;
  last_ms: number;
  occurrences: number;
}

export function recentErrorsBatch(store: ClickHouseStore) {
  return keyedBatch<{ limit: number }, WebError[]>(
    ({ limit }) => String(limit),
    async (ids, { limit }) => {
      const rows = await store.query<Row>('recentErrors', SQL, { ids, limit });
      return groupByUser(rows, (r) => ({
        message: r.message,
        page: r.page,
        lastSeen: new Date(r.last_ms),
        occurrences: r.occurrences,
      }));
    },
    () => [],
  );
}
