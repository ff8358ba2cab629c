/** A load of a profile part that takes arguments (a limit, a page). */
export interface KeyedLoad<Args> {
  id: string;
  args: Args;
}

export interface KeyedBatch<Args, Value> {
  (keys: ReadonlyArray<KeyedLoad<Args>>): Promise<Value[]>;
  cacheKey(key: KeyedLoad<Args>): string;
}

/**
 * Batch function for a part with arguments: keys that share the same arguments are fetched
 * together in one query, so the query count does not grow with the number of customers.
 */
export function keyedBatch<Args, Value>(
  argsKey: (args: Args) => string,
  fetch: (ids: string[], args: Args) => Promise<Map<string, Value>>,
  empty: () => Value,
): KeyedBatch<Args, Value> {
  const batch = async (keys: ReadonlyArray<KeyedLoad<Args>>): Promise<Value[]> => {
    const groups = new Map<string, { args: Args; ids: Set<string> }>();
    for (const { id, args } of keys) {
      const k = argsKey(args);
      const group = groups.get(k) ?? { args, ids: new Set<string>() };
      group.ids.add(id);
      groups.set(k, group);
    }
    const results = new Map<string, Map<string, Value>>();
    await Promise.all([...groups].map(async ([k, { args, ids }]) => results.set(k, await fetch([...ids], args))));
    return keys.map(({ id, args }) => results.get(argsKey(args))?.get(id) ?? empty());
  };
  return Object.assign(batch, { cacheKey: ({ id, args }: KeyedLoad<Args>) => `${id}\u0000${argsKey(args)}` });
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
