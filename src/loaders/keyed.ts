import DataLoader from 'dataloader';

/**
 * A loader for a profile part that takes arguments (a limit, a page): keys that share the same
 * arguments are fetched together in one query, so the query count does not grow with customers.
 */
export function createKeyedLoader<Args, Value>(
  argsKey: (args: Args) => string,
  fetch: (ids: string[], args: Args) => Promise<Map<string, Value>>,
  empty: () => Value,
): DataLoader<{ id: string; args: Args }, Value, string> {
  return new DataLoader(
    async (keys) => {
      const groups = new Map<string, { args: Args; ids: string[] }>();
      for (const { id, args } of keys) {
        const k = argsKey(args);
        const group = groups.get(k) ?? { args, ids: [] };
        group.ids.push(id);
        groups.set(k, group);
      }
      const results = new Map<string, Map<string, Value>>();
      await Promise.all(
        [...groups].map(async ([k, { args, ids }]) => results.set(k, await fetch(ids, args))),
      );
      return keys.map(({ id, args }) => results.get(argsKey(args))?.get(id) ?? empty());
    },
    { cacheKeyFn: ({ id, args }) => `${id}\u0000${argsKey(args)}` },
  );
}

/** Groups rows by customer id, keeping their order. */
export function groupByUser<R extends { user_id: string }, V>(rows: R[], map: (row: R) => V): Map<string, V[]> {
  const byUser = new Map<string, V[]>();
  for (const row of rows) {
    const list = byUser.get(row.user_id);
    if (list) list.push(map(row));
    else byUser.set(row.user_id, [map(row)]);
  }
  return byUser;
}
