// Live segments on the bench population (`npm run bench -- load` first; BENCH_CUSTOMERS, BENCH_DATA_DIR):
//
//   npm run bench -- segments
//
// An in-process gateway over the population with the demo's six segments (segments/demo.yml) and a Kafka
// ingester on fresh topics. It measures:
// - recompute: every segment recomputed for every customer (what a changed definition costs), with a progress bar;
// - evaluation: one evaluation query for BENCH_SEGMENT_IDS random customers (the work of one round), against
//   reading the same rollup rows without evaluating anything: what the JSON extraction and conditions add;
// - size: `segment(name) { size }` over HTTP for each segment, BENCH_SAMPLES times (p50/p99);
// - push: a Kafka email message → the `segmentChanges` push over graphql-ws. Each sample enters a customer into
//   `email-engaged` (an email opened now) or takes them out (the same email again, dated 60 days ago).
// Kafka ingest with the six segments is measured by `npm run bench -- freshness` (phase throughput-segments).
import 'reflect-metadata';
import { createClient } from 'graphql-ws';
import { Partitioners } from 'kafkajs';
import WebSocket from 'ws';
import { DEMO_SEGMENTS_FILE, loadConfig } from '../src/config';
import { startGateway } from '../src/gateway';
import { startIngesters } from '../src/ingest';
import { createLogger } from '../src/logger';
import { compileSegments } from '../src/segments/compile';
import { evaluationQuery } from '../src/segments/evaluate';
import { settings, stats, table } from './common';
import { kafkaWithTopics, services, topicsFor } from './freshness';

const segmentSettings = {
  samples: Number(process.env['BENCH_SAMPLES'] ?? 200),
  warmup: Number(process.env['BENCH_WARMUP'] ?? 20),
  ids: Number(process.env['BENCH_SEGMENT_IDS'] ?? 5_000),
  pauseMs: Number(process.env['BENCH_PAUSE_MS'] ?? 20),
};

const DAY = 86_400_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

export async function segments(): Promise<Record<string, unknown>> {
  const { brokers, stop } = services();
  const name = `c360-bench-seg-${Date.now().toString(36)}`;
  const topics = topicsFor(name);
  const kafka = await kafkaWithTopics(name, brokers, topics);
  const config = loadConfig({
    ...topics,
    KAFKA_BROKERS: brokers,
    CLICKHOUSE_DATA_DIR: settings.dataDir,
    SEGMENTS_FILE: DEMO_SEGMENTS_FILE,
    SEGMENTS_RECHECK_MS: '0',
    PORT: '0',
    DEMO: 'false',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_SUPPORT: '0',
    RATE_LIMIT_PERSONALISATION: '0',
  });
  const logger = createLogger('info');
  const gateway = await startGateway(config, logger);
  const results: Record<string, unknown> = { customers: settings.customers };
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await gateway.segmentsReady;
    const definitions = gateway.segments.list();

    // recompute: mark every segment's membership as computed by another definition, and sync.
    await gateway.store.insert(
      'ingest_checkpoints',
      definitions.map((d) => ({ source: `segment:${d.name}`, position: 'stale', version: gateway.sink.nextVersion() })),
    );
    const recomputeStarted = performance.now();
    await gateway.segments.sync();
    results['recompute'] = { segments: definitions.length, seconds: round1((performance.now() - recomputeStarted) / 1000) };
    console.log(`recompute of ${definitions.length} segments for every customer: ${JSON.stringify(results['recompute'])}`);
    await gateway.store.command('bench', 'OPTIMIZE TABLE segment_members FINAL');

    // evaluation: the query of one round for random customers, and reading the same rows alone.
    const all = (await gateway.store.query<{ id: string }>('bench', 'SELECT DISTINCT user_id AS id FROM customer_rollup')).map((r) => r.id);
    const compiled = compileSegments(definitions);
    const evaluate: number[] = [];
    const read: number[] = [];
    for (let i = 0; i < 12; i++) {
      const ids = Array.from({ length: segmentSettings.ids }, () => all[Math.floor(Math.random() * all.length)]!);
      let started = performance.now();
      await gateway.store.query('bench', evaluationQuery(compiled, { ids }), { ...compiled.params, ids, now: Date.now(), names: compiled.names });
      if (i >= 2) evaluate.push(performance.now() - started);
      started = performance.now();
      await gateway.store.query(
        'bench',
        `SELECT user_id, length(argMaxMerge(profile)) AS n, length(argMaxMerge(email_profile)) AS m, max(last_visit), max(last_login), maxMap(error_seen), uniqExactMapMerge(error_count)
         FROM customer_rollup WHERE user_id IN {ids:Array(String)} GROUP BY user_id`,
        { ids },
      );
      if (i >= 2) read.push(performance.now() - started);
    }
    results['evaluation'] = { customers: segmentSettings.ids, evaluateMs: stats(evaluate), readRowsOnlyMs: stats(read) };
    console.log(`one round for ${segmentSettings.ids} customers (ms): evaluate ${JSON.stringify(stats(evaluate))}; reading the rows alone ${JSON.stringify(stats(read))}`);

    // size
    const sizes: Record<string, unknown> = {};
    const rows: Array<Array<string | number>> = [];
    for (const d of definitions) {
      const times: number[] = [];
      let size = 0;
      for (let i = 0; i < segmentSettings.warmup + segmentSettings.samples; i++) {
        const started = performance.now();
        const res = await fetch(`${gateway.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'query($n: String!) { segment(name: $n) { size } }', variables: { n: d.name } }),
        });
        size = ((await res.json()) as { data: { segment: { size: number } } }).data.segment.size;
        if (i >= segmentSettings.warmup) times.push(performance.now() - started);
      }
      const s = stats(times);
      sizes[d.name] = { size, ...s };
      rows.push([d.name, size, s.p50, s.p99]);
    }
    results['size'] = sizes;
    console.log(`\nsegment(name) { size } over HTTP (ms):\n${table(['segment', 'size', 'p50', 'p99'], rows)}`);

    // push: Kafka email → segmentChanges
    const [candidate] = await gateway.store.query<{ id: string }>(
      'bench',
      `SELECT user_id AS id FROM customer_rollup WHERE user_id NOT IN (SELECT customer_id FROM segment_members FINAL WHERE segment = 'email-engaged')
       GROUP BY user_id HAVING JSONType(argMaxMerge(profile), 'c') = 'Object' LIMIT 1`,
    );
    const customerId = candidate!.id;
    const ingesters = await startIngesters(config, gateway, logger);
    await producer.connect();
    const client = createClient({ url: `${gateway.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    const arrivals: Array<{ kind: string; at: number }> = [];
    let wake: (() => void) | null = null;
    const unsubscribe = client.subscribe<{ segmentChanges: { kind: string } }>(
      { query: 'subscription($c: ID!) { segmentChanges(segment: "email-engaged", customerId: $c) { id kind at } }', variables: { c: customerId } },
      { next: (r) => (r.data && arrivals.push({ kind: r.data.segmentChanges.kind, at: performance.now() }), wake?.()), error: (e) => console.error(e), complete: () => undefined },
    );
    while (gateway.segments.subscribers === 0) await new Promise((r) => setTimeout(r, 10));
    const push: number[] = [];
    try {
      for (let i = 0; i < segmentSettings.warmup + segmentSettings.samples; i++) {
        const entering = i % 2 === 0;
        const emailId = `${name}-e${Math.floor(i / 2)}`;
        const date = entering ? Date.now() : Date.now() - 60 * DAY;
        const sent = performance.now();
        await producer.send({
          topic: topics.KAFKA_TOPIC_EMAILS,
          messages: [{ key: customerId, value: JSON.stringify({ email_id: emailId, user_id: customerId, date, email_opened: true, email_clicked: false }) }],
        });
        const expected = entering ? 'ENTERED' : 'EXITED';
        const deadline = performance.now() + 10_000;
        while (arrivals.at(-1)?.kind !== expected || arrivals.at(-1)!.at < sent) {
          if (performance.now() > deadline) throw new Error(`no ${expected} push within 10 s (sample ${i})`);
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 100);
          });
        }
        if (i >= segmentSettings.warmup) push.push(arrivals.at(-1)!.at - sent);
        await new Promise((r) => setTimeout(r, segmentSettings.pauseMs));
      }
    } finally {
      unsubscribe();
      await client.dispose();
      await ingesters.stop();
    }
    results['push'] = { customerId, ...stats(push) };
    console.log(`\nKafka email → segmentChanges push (ms): ${JSON.stringify(results['push'])}`);
    results['engine'] = gateway.segments.stats;
  } finally {
    await producer.disconnect().catch(() => undefined);
    await gateway.close();
    stop();
  }
  return results;
}
