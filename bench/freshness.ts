// Ingestion freshness and throughput against real servers (Kafka broker, MongoDB-wire server).
//
//   npm run bench:freshness                (builds, starts the services, runs every phase)
//   npm run bench:freshness -- kafka mongo throughput
//   npm run bench -- freshness             (the same phases, or BENCH_FRESHNESS_PHASES=kafka,mongo)
//
// freshness: the gateway runs as its own process (dist/main.js) with its ingesters; this process
//   produces one Kafka page view (or writes one MongoDB order) at a time and measures until
//   (a) its customerActivity subscription receives it and (b) a query polled back to back shows it.
// throughput (and throughput-segments, the same with the demo's six segments kept live):
//   a topic pre-filled with BENCH_EVENTS page views is consumed by a fresh consumer group
//   of an in-process gateway; events/s from the first to the last committed row, and per second.
//
// Settings (environment): BENCH_SAMPLES (300), BENCH_WARMUP (30), BENCH_EVENTS (1,000,000),
// BENCH_PAUSE_MS between samples (20), KAFKA_BROKERS / MONGO_URL (else scripts/services.sh starts them).
import 'reflect-metadata';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import WebSocket from 'ws';
import { DEMO_SEGMENTS_FILE, loadConfig } from '../src/config';
import { DemoGenerator } from '../src/ingest/demo/generator';
import type { IngestRecord } from '../src/ingest/records';
import { startGateway } from '../src/gateway';
import { startIngesters } from '../src/ingest';
import { createLogger } from '../src/logger';
import { machine, ROOT, startGatewayProcess, stats, table, type GatewayProcess, type Stats } from './common';

export const settings = {
  samples: Number(process.env['BENCH_SAMPLES'] ?? 300),
  warmup: Number(process.env['BENCH_WARMUP'] ?? 30),
  events: Number(process.env['BENCH_EVENTS'] ?? 1_000_000),
  pauseMs: Number(process.env['BENCH_PAUSE_MS'] ?? 20),
};

const run = `c360-bench-${Date.now().toString(36)}`;
const BASE = Date.UTC(2024, 0, 1);

/**
 * The broker and the MongoDB-wire server: the ones KAFKA_BROKERS and MONGO_URL name, else this checkout's
 * (scripts/services.sh). `stop` stops them again if they were not already running, so a bench leaves the
 * machine as it found it.
 */
export function services(): { brokers: string; mongoUrl: string; stop: () => void } {
  const script = path.join(ROOT, 'scripts/services.sh');
  let started = false;
  if (!process.env['KAFKA_BROKERS'] || !process.env['MONGO_URL']) {
    const running = spawnSync('bash', [script, 'status'], { stdio: 'ignore' }).status === 0;
    if (!running) {
      execFileSync('bash', [script, 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
      started = true;
    }
  }
  return {
    brokers: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092',
    mongoUrl: process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27217',
    stop: () => {
      if (started) execFileSync('bash', [script, 'stop'], { stdio: ['ignore', 'ignore', 'inherit'] });
    },
  };
}

export function topicsFor(name: string) {
  return {
    KAFKA_TOPIC_WEBLOGS: `${name}.weblogs`,
    KAFKA_TOPIC_EMAILS: `${name}.marketing_emails`,
    KAFKA_TOPIC_DEAD_LETTER: `${name}.dead-letter`,
    KAFKA_TOPIC_ACTIVITY: `${name}.activity`,
    KAFKA_GROUP_ID: `${name}.ingest`,
  };
}

/** A Kafka client for one phase, with that phase's source topics created (3 partitions each). */
export async function kafkaWithTopics(name: string, brokers: string, topics: ReturnType<typeof topicsFor>): Promise<Kafka> {
  const kafka = new Kafka({ clientId: name, brokers: brokers.split(','), logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = [topics.KAFKA_TOPIC_WEBLOGS, topics.KAFKA_TOPIC_EMAILS, topics.KAFKA_TOPIC_DEAD_LETTER];
    await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return kafka;
}

async function graphql<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Polls a query back to back until `visible` says yes; returns when the answer that showed it arrived. */
async function pollUntil(url: string, query: string, variables: Record<string, unknown>, visible: (data: never) => boolean, timeoutMs = 10_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const data = await graphql<never>(url, query, variables);
    const now = performance.now();
    if (visible(data)) return now;
    if (now > deadline) throw new Error('not visible within 10 s');
  }
}

const LAST_ACTIVITY = `query($id: ID!) { customer(id: $id) { lastActivity { lastWebsiteVisit lastOnlineOrder } } }`;
interface LastActivity {
  customer: { lastActivity: { lastWebsiteVisit: string | null; lastOnlineOrder: string | null } } | null;
}

/** Kafka produce → subscription push, and → visible in a query. */
async function kafkaFreshness(gateway: GatewayProcess, producer: Producer, topic: string): Promise<{ push: Stats; query: Stats }> {
  const client = createClient({ url: `${gateway.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  const arrivals = new Map<string, number>();
  let wake: (() => void) | null = null;
  const unsubscribe = client.subscribe<{ customerActivity: { summary: string } }>(
    { query: 'subscription { customerActivity(customerId: "F1") { summary } }' },
    {
      next: (r) => {
        if (r.data) arrivals.set(r.data.customerActivity.summary, performance.now());
        wake?.();
      },
      error: (e) => console.error('subscription error', e),
      complete: () => undefined,
    },
  );
  const push: number[] = [];
  const query: number[] = [];
  try {
    for (let i = 0; i < settings.warmup + settings.samples; i++) {
      const page = `bench-${i}.html`;
      const date = new Date(BASE + i * 1000).toISOString();
      const sent = performance.now();
      await producer.send({ topic, messages: [{ key: 'F1', value: JSON.stringify({ user_id: 'F1', date, page, error_message: null }) }] });
      const seen = await pollUntil(gateway.url, LAST_ACTIVITY, { id: 'F1' }, (d: LastActivity) => d.customer?.lastActivity.lastWebsiteVisit === date);
      const summary = `Visited ${page}`;
      while (!arrivals.has(summary)) await new Promise<void>((resolve) => (wake = resolve));
      if (i >= settings.warmup) {
        query.push(seen - sent);
        push.push(arrivals.get(summary)! - sent);
      }
      await new Promise((r) => setTimeout(r, settings.pauseMs));
    }
  } finally {
    unsubscribe();
    await client.dispose();
  }
  return { push: stats(push), query: stats(query) };
}

/** MongoDB insert → visible in a query. */
async function mongoFreshness(gateway: GatewayProcess, mongo: MongoClient, database: string): Promise<{ query: Stats }> {
  const orders = mongo.db(database).collection('online_orders');
  const query: number[] = [];
  for (let i = 0; i < settings.warmup + settings.samples; i++) {
    const date = new Date(BASE + i * 1000);
    const sent = performance.now();
    await orders.insertOne({ user_id: 'F2', date, items: [{ product_name: 'Bench', price: 1 }], delivery_address: { city: 'Leeds' } });
    const seen = await pollUntil(gateway.url, LAST_ACTIVITY, { id: 'F2' }, (d: LastActivity) => d.customer?.lastActivity.lastOnlineOrder === date.toISOString());
    if (i >= settings.warmup) query.push(seen - sent);
    await new Promise((r) => setTimeout(r, settings.pauseMs));
  }
  return { query: stats(query) };
}

async function latency(phases: string[], brokers: string, mongoUrl: string) {
  const name = `${run}-fresh`;
  const database = name.replace(/-/g, '_');
  const topics = topicsFor(name);
  const kafka = await kafkaWithTopics(name, brokers, topics);
  const mongo = new MongoClient(mongoUrl);
  await mongo.connect();
  await mongo.db(database).collection('customers').insertMany([{ id: 'F1', first_name: 'Kafka' }, { id: 'F2', first_name: 'Mongo' }]);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'c360-bench-fresh-'));
  const gateway = await startGatewayProcess({ ...topics, KAFKA_BROKERS: brokers, MONGO_URL: mongoUrl, MONGO_DATABASE: database, CLICKHOUSE_DATA_DIR: dataDir });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const results: Record<string, unknown> = {};
  try {
    // The customers exist once the snapshot is in.
    await pollUntil(gateway.url, LAST_ACTIVITY, { id: 'F2' }, (d: LastActivity) => d.customer !== null, 60_000);
    if (phases.includes('kafka')) {
      results['kafka'] = await kafkaFreshness(gateway, producer, topics.KAFKA_TOPIC_WEBLOGS);
      console.log(`Kafka produce → subscription push (ms): ${JSON.stringify((results['kafka'] as { push: Stats }).push)}`);
      console.log(`Kafka produce → visible in a query (ms): ${JSON.stringify((results['kafka'] as { query: Stats }).query)}`);
    }
    if (phases.includes('mongo')) {
      results['mongo'] = await mongoFreshness(gateway, mongo, database);
      console.log(`MongoDB insert → visible in a query (ms): ${JSON.stringify((results['mongo'] as { query: Stats }).query)}`);
    }
  } finally {
    await producer.disconnect();
    await gateway.stop();
    await mongo.db(database).dropDatabase();
    await mongo.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

/**
 * Sustained Kafka → ClickHouse: a pre-filled topic consumed by a fresh group. With `segments`, the gateway keeps the
 * demo's six segments (segments/demo.yml) and the 10,000 customers the page views name exist first (a customer
 * document and an order each), so that every commit's customers are evaluated against real profiles.
 */
async function throughput(brokers: string, segments = false) {
  const name = `${run}-rate${segments ? '-seg' : ''}`;
  const topics = topicsFor(name);
  const kafka = await kafkaWithTopics(name, brokers, topics);

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const produceStarted = performance.now();
  const batch = 20_000;
  const inFlight: Promise<unknown>[] = [];
  for (let from = 0; from < settings.events; from += batch) {
    const messages = [];
    for (let i = from; i < Math.min(from + batch, settings.events); i++) {
      const user = `U${i % 10_000}`;
      messages.push({ key: user, value: JSON.stringify({ user_id: user, date: BASE + i * 10, page: `p${i % 50}.html`, error_message: i % 97 === 0 ? 'Timeout' : null }) });
    }
    inFlight.push(producer.send({ topic: topics.KAFKA_TOPIC_WEBLOGS, acks: 1, messages }));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await producer.disconnect();
  const produceSec = (performance.now() - produceStarted) / 1000;
  console.log(`pre-filled ${settings.events} page views in ${produceSec.toFixed(1)} s`);

  const dataDir = mkdtempSync(path.join(tmpdir(), 'c360-bench-rate-'));
  const config = loadConfig({
    ...topics,
    KAFKA_BROKERS: brokers,
    CLICKHOUSE_DATA_DIR: dataDir,
    PORT: '0',
    DEMO: 'false',
    LOG_LEVEL: 'warn',
    ...(segments ? { SEGMENTS_FILE: DEMO_SEGMENTS_FILE, SEGMENTS_RECHECK_MS: '0' } : {}),
  });
  const logger = createLogger('warn');
  const gateway = await startGateway(config, logger);
  if (segments) {
    const generator = new DemoGenerator({ seed: 360, now: BASE });
    for (let from = 0; from < 10_000; from += 1_000) {
      const records = [];
      for (let i = from; i < from + 1_000; i++) {
        const [customer] = generator.customerWithHistory(i);
        records.push({ ...customer!, row: { ...(customer as { row: object }).row, id: `U${i}` } } as IngestRecord);
        records.push({ kind: 'order', row: { user_id: `U${i}`, channel: i % 2 ? 'online' : 'instore', order_id: `U${i}-o`, date: BASE, item_names: ['Coat'], item_prices: [i % 3000], item_quantities: [1], location: null }, announce: false } as IngestRecord);
      }
      await gateway.sink.write(records);
    }
    await gateway.segments.idle();
  }
  const segmentsBefore = { ...gateway.segments.stats };
  // Each sink commit, seen within 10 ms: when, and how many rows were committed by then.
  const commits: Array<{ at: number; rows: number }> = [];
  const started = performance.now();
  const ingesters = await startIngesters(config, gateway, logger);
  const joinedMs = performance.now() - started;
  for (let rows = 0; rows < settings.events; ) {
    await new Promise((r) => setTimeout(r, 10));
    if (gateway.sink.stats.rowsWritten > rows) {
      rows = gateway.sink.stats.rowsWritten;
      commits.push({ at: performance.now(), rows });
    }
  }
  const done = commits.at(-1)!.at;
  // The last commit's customers evaluated: how far the segments trail the ingest at the end.
  await gateway.segments.idle();
  const segmentsDoneMs = performance.now() - done;
  const parts = await gateway.store.query<{ parts: number }>('bench', "SELECT count() AS parts FROM system.parts WHERE active AND table = 'weblogs'");
  await ingesters.stop();
  await gateway.close();
  rmSync(dataDir, { recursive: true, force: true });

  // From starting the consumer (joining its group included) to the last row committed.
  const seconds = (done - started) / 1000;
  // Between the first and the last commit: the rate once rows flow (the first batch's fetch and insert excluded).
  const firstCommit = commits[0]!;
  const steady = (settings.events - firstCommit.rows) / ((done - firstCommit.at) / 1000);
  const gaps = commits.slice(1).map((c, i) => c.at - commits[i]!.at);
  const result = {
    events: settings.events,
    eventsPerSec: Math.round(settings.events / seconds),
    steadyEventsPerSec: Math.round(steady),
    joinMs: Math.round(joinedMs),
    seconds: Math.round(seconds * 100) / 100,
    firstCommitMs: Math.round(firstCommit.at - started),
    maxGapBetweenCommitsMs: Math.round(Math.max(0, ...gaps)),
    sinkBatches: gateway.sink.stats.batchesWritten,
    activeParts: parts[0]?.parts ?? null,
    produceEventsPerSec: Math.round(settings.events / produceSec),
    ...(segments
      ? {
          segments: gateway.segments.list().length,
          segmentRounds: gateway.segments.stats.rounds - segmentsBefore.rounds,
          customersEvaluated: gateway.segments.stats.customersEvaluated - segmentsBefore.customersEvaluated,
          segmentsDoneAfterLastCommitMs: Math.round(segmentsDoneMs),
        }
      : {}),
  };
  console.log(`Kafka → ClickHouse${segments ? ' with six segments' : ''}: ${JSON.stringify(result)}`);
  return result;
}

const PHASES = ['kafka', 'mongo', 'throughput', 'throughput-segments'];

/** Starts the services unless KAFKA_BROKERS and MONGO_URL name them, runs the phases, prints the table. */
export async function freshness(phases: string[] = process.env['BENCH_FRESHNESS_PHASES']?.split(',') ?? PHASES): Promise<Record<string, unknown>> {
  for (const phase of phases) if (!PHASES.includes(phase)) throw new Error(`unknown freshness phase "${phase}"; expected some of: ${PHASES.join(', ')}`);
  const { brokers, mongoUrl, stop } = services();
  const results: Record<string, unknown> = {};
  try {
    if (phases.includes('kafka') || phases.includes('mongo')) Object.assign(results, await latency(phases, brokers, mongoUrl));
    if (phases.includes('throughput')) results['throughput'] = await throughput(brokers);
    if (phases.includes('throughput-segments')) results['throughputSegments'] = await throughput(brokers, true);
  } finally {
    stop();
  }

  const rows: Array<Array<string | number>> = [];
  const k = results['kafka'] as { push: Stats; query: Stats } | undefined;
  const m = results['mongo'] as { query: Stats } | undefined;
  if (k) rows.push(['Kafka produce → subscription push', k.push.p50, k.push.p99, k.push.max, k.push.samples]);
  if (k) rows.push(['Kafka produce → visible in a query', k.query.p50, k.query.p99, k.query.max, k.query.samples]);
  if (m) rows.push(['MongoDB insert → visible in a query', m.query.p50, m.query.p99, m.query.max, m.query.samples]);
  if (rows.length) console.log(`\n${table(['freshness', 'p50 ms', 'p99 ms', 'max ms', 'samples'], rows)}`);
  return results;
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  console.log(`# customer360 ingestion bench, ${new Date().toISOString()}\nmachine: ${machine()}\nsettings: ${JSON.stringify(settings)}\n`);
  const results = await freshness(asked.length === 0 ? PHASES : asked);

  const dir = path.join(ROOT, 'data/bench/results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `freshness-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), machine: machine(), settings, results }, null, 2));
  console.log(`\nresults: ${path.relative(ROOT, file)}`);
}

// Run directly (npm run bench:freshness); bench/index.ts imports `freshness` instead.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
