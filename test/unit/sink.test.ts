// The sink's batching, with a store whose inserts the test holds and releases: rows written while a commit is
// in flight go together in the next one, in order, and each write resolves only once its rows are committed.
import { InProcessActivityBus } from '../../src/activity/bus';
import { IngestSink } from '../../src/ingest/sink';
import type { IngestRecord } from '../../src/ingest/records';
import { createLogger } from '../../src/logger';
import type { ClickHouseStore } from '../../src/store/clickhouse';

class HeldStore {
  readonly batches: Array<{ table: string; keys: string[] }> = [];
  private release: Array<() => void> = [];
  held = true;

  insert(table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    // The page views' rollup rows go in the same commit; this test follows the activity rows.
    if (rows.length === 0 || table !== 'activity') return Promise.resolve();
    this.batches.push({ table, keys: rows.map((r) => String(r['key'])) });
    if (!this.held) return Promise.resolve();
    return new Promise((resolve) => this.release.push(resolve));
  }

  releaseAll(): void {
    this.held = false;
    for (const r of this.release.splice(0)) r();
  }
}

const view = (key: string): IngestRecord => ({
  kind: 'weblog',
  row: { user_id: 'C1', date: 1_700_000_000_000, page: 'home.html', error_message: null, event_key: key },
});

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('rows that come due while a commit is in flight go together in the next commit, in order', async () => {
  const store = new HeldStore();
  const sink = new IngestSink(store as unknown as ClickHouseStore, new InProcessActivityBus(), { batchRows: 1_000, flushMs: 5 }, createLogger('silent'));
  const committed: string[] = [];
  const write = (key: string) => sink.write([view(key)]).then(() => committed.push(key));

  const first = write('a');
  await tick(30); // 'a' is being inserted, and held there
  expect(store.batches).toEqual([{ table: 'activity', keys: ['a'] }]);

  // Each comes due (flushMs is 5) while 'a' is still held.
  const rest: Array<Promise<number>> = [];
  for (const key of ['b', 'c', 'd']) {
    rest.push(write(key));
    await tick(20);
  }
  expect(store.batches).toHaveLength(1);
  expect(committed).toEqual([]);

  store.releaseAll();
  await Promise.all([first, ...rest]);
  await sink.close();
  expect(store.batches).toEqual([
    { table: 'activity', keys: ['a'] },
    { table: 'activity', keys: ['b', 'c', 'd'] },
  ]);
  expect(committed).toEqual(['a', 'b', 'c', 'd']);
  expect(sink.stats).toMatchObject({ rowsWritten: 4, batchesWritten: 2 });
});

test('close() commits what is buffered even while a commit is in flight, and then refuses writes', async () => {
  const store = new HeldStore();
  const sink = new IngestSink(store as unknown as ClickHouseStore, new InProcessActivityBus(), { batchRows: 1_000, flushMs: 5 }, createLogger('silent'));
  const a = sink.write([view('a')]);
  await tick(20);
  const b = sink.write([view('b')]);
  const closing = sink.close();
  store.releaseAll();
  await Promise.all([a, b, closing]);
  expect(store.batches.map((x) => x.keys)).toEqual([['a'], ['b']]);
  await expect(sink.write([view('c')])).rejects.toThrow(/closed/);
});

test('a batch of 200,000 announced page views is written in one go, not mistaken for data the engine refused', async () => {
  const store = new HeldStore();
  store.held = false;
  const warnings: string[] = [];
  const logger = createLogger('silent');
  logger.warn = ((_o: unknown, msg?: string) => void warnings.push(String(msg))) as typeof logger.warn;
  const sink = new IngestSink(store as unknown as ClickHouseStore, new InProcessActivityBus(), { batchRows: 1_000_000, flushMs: 5 }, logger);
  const views = Array.from({ length: 200_000 }, (_, i) => view(`v${i}`));
  let announced = 0;
  sink.onCommit(({ events }) => (announced += events.length));
  await sink.write(views);
  expect(warnings).toEqual([]);
  expect(store.batches).toHaveLength(1);
  expect(announced).toBe(200_000);
});
