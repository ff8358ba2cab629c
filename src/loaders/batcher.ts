/**
 * Batches loads across concurrent requests. Each request keeps its own DataLoader (its own cache,
 * nothing shared between requests or roles); their batches meet here. While a part's query is in
 * flight, the keys of every other request queue up and go out together in the next query, so under
 * load one query serves many requests, and an idle gateway adds no delay at all.
 */
export class SharedBatcher<K, V> {
  private queue: Array<{ keys: readonly K[]; resolve: (values: V[]) => void; reject: (error: unknown) => void }> = [];
  private inFlight = 0;

  constructor(
    private readonly fetch: (keys: readonly K[]) => Promise<V[]>,
    private readonly options: { maxInFlight: number; maxKeys: number },
  ) {}

  load(keys: readonly K[]): Promise<V[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ keys, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const taken: typeof this.queue = [];
      let size = 0;
      while (this.queue.length > 0 && (taken.length === 0 || size + this.queue[0]!.keys.length <= this.options.maxKeys)) {
        const next = this.queue.shift()!;
        taken.push(next);
        size += next.keys.length;
      }
      this.inFlight++;
      const keys = taken.flatMap((t) => t.keys);
      this.fetch(keys)
        .then((values) => {
          let offset = 0;
          for (const t of taken) {
            t.resolve(values.slice(offset, offset + t.keys.length));
            offset += t.keys.length;
          }
        })
        .catch((error: unknown) => {
          for (const t of taken) t.reject(error);
        })
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
