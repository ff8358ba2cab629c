import type { Logger } from '../../logger';
import { createProgress } from '../../observability/progress';
import type { ClickHouseStore } from '../../store/clickhouse';
import type { SourceRecord } from '../records';
import { readCheckpoint } from '../checkpoints';
import type { IngestSink } from '../sink';
import { DemoGenerator, prng } from './generator';

const CHECKPOINT = 'demo';
const CUSTOMERS_PER_WRITE = 1_000;
/** Writes in flight at once: generation of the next chunk overlaps the insert of the last. */
const IN_FLIGHT = 2;

export interface DemoConfig {
  customers: number;
  seed: number;
  tricklePerSec: number;
}

/**
 * Loads the demo population through the sink, unless this data directory already holds the
 * same one. Keys are deterministic, so an interrupted load simply runs again without doubling rows.
 */
export async function loadDemo(
  sink: IngestSink,
  store: ClickHouseStore,
  demo: DemoConfig,
  logger: Logger,
  now = Date.now(),
  signal?: AbortSignal,
): Promise<{ loaded: boolean; rows: number; ms: number }> {
  const marker = JSON.stringify({ customers: demo.customers, seed: demo.seed });
  if ((await readCheckpoint(store, CHECKPOINT)) === marker) {
    logger.info({ customers: demo.customers, seed: demo.seed }, 'demo data already loaded');
    return { loaded: false, rows: 0, ms: 0 };
  }
  const started = Date.now();
  const generator = new DemoGenerator({ seed: demo.seed, now });
  const progress = createProgress('demo data', demo.customers, 'customers', logger, ['rows']);
  let rows = 0;
  const inFlight: Promise<void>[] = [];
  for (let from = 0; from < demo.customers; from += CUSTOMERS_PER_WRITE) {
    // Stopped (shutdown): what was written stays, and without the marker the next start loads again.
    if (signal?.aborted) {
      await Promise.all(inFlight);
      progress.stop();
      logger.info({ customers: from, rows }, 'demo load stopped before the end');
      return { loaded: false, rows, ms: Date.now() - started };
    }
    const to = Math.min(from + CUSTOMERS_PER_WRITE, demo.customers);
    const chunk: SourceRecord[] = [];
    for (let i = from; i < to; i++) chunk.push(...generator.customerWithHistory(i));
    rows += chunk.length;
    // The bulk history is not news: it stays off the live activity stream.
    for (const r of chunk) if (r.kind !== 'customer') r.announce = false;
    inFlight.push(sink.write(chunk).then(() => progress.update(to, { rows })));
    if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
  }
  await Promise.all(inFlight);
  progress.stop();
  // A bulk load leaves many parts, and FINAL reads cost grow with them: merge once now rather
  // than leave every profile read to pay until background merges catch up.
  for (const table of ['customers', 'orders', 'marketing_emails', 'activity', 'customer_rollup']) {
    await store.command('optimize', `OPTIMIZE TABLE ${table} FINAL`);
  }
  await sink.write([], { source: CHECKPOINT, position: marker });
  const ms = Date.now() - started;
  logger.info({ customers: demo.customers, rows, ms, rowsPerSec: Math.round((rows / ms) * 1000) }, 'demo data loaded');
  return { loaded: true, rows, ms };
}

/** A few new events per second for random demo customers, so the timeline and subscriptions move. */
export function startTrickle(sink: IngestSink, demo: DemoConfig, logger: Logger): { stop(): void } {
  if (demo.tricklePerSec <= 0) return { stop() {} };
  const generator = new DemoGenerator({ seed: demo.seed, now: Date.now() });
  const rand = prng(demo.seed ^ Date.now());
  let serial = 0;
  // Events are due at the configured rate since the start; each tick writes what is due, so high rates are
  // met even though a timer fires at most every millisecond. A stalled process skips, rather than bursts.
  const started = Date.now();
  let emitted = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * demo.tricklePerSec) - emitted;
    if (due <= 0) return;
    const count = Math.min(due, Math.ceil(demo.tricklePerSec));
    emitted += due;
    const now = Date.now();
    const events = Array.from({ length: count }, () => generator.liveEvent(rand, demo.customers, serial++, now));
    sink.write(events).catch((err: unknown) => logger.warn({ err }, 'demo trickle write failed'));
  }, Math.max(1000 / demo.tricklePerSec, 10));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
