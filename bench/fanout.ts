import { rmSync } from 'node:fs';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ActivityType } from '../src/activity/activity';
import { demoCustomerId } from '../src/ingest/demo/generator';
import { median, percentile, ROOT, scrapeSum, settings, startGatewayProcess, table, type GatewayProcess } from './common';

const fanoutSettings = {
  subscribers: Number(process.env['BENCH_SUBSCRIBERS'] ?? 1_000),
  /** The customers the subscribers watch; the demo population is exactly these, so every event has watchers. */
  customers: Number(process.env['BENCH_FANOUT_CUSTOMERS'] ?? 100),
  /** Events per second the gateway's demo trickle generates (its target: a busy gateway generates fewer). */
  rates: (process.env['BENCH_FANOUT_RATES'] ?? '100,1000').split(',').map(Number),
  /** `activity`: customerActivity subscribers; `profile`: customerProfile subscribers (the profile after each commit). */
  kinds: (process.env['BENCH_FANOUT_KINDS'] ?? 'activity,profile').split(',') as Kind[],
  dataDir: path.resolve(ROOT, process.env['BENCH_FANOUT_DATA_DIR'] ?? 'data/bench/fanout-clickhouse'),
};

type Kind = 'activity' | 'profile';

const SUBSCRIPTION = `subscription Fanout($customerId: ID!, $types: [ActivityType!]) {
  customerActivity(customerId: $customerId, types: $types) { customerId type at summary source }
}`;

/** What the console's profile shows but the charts: details, every aggregate, the newest timeline entry. */
const PROFILE_SUBSCRIPTION = `subscription FanoutProfile($customerId: ID!) {
  customerProfile(customerId: $customerId) {
    id firstName lastName email address { city country }
    purchaseStats { totalOrders totalSpent online { orders amountSpent } instore { orders amountSpent } }
    favouriteProducts(limit: 3) { productName purchases }
    lastActivity { lastOnlineOrder lastInstoreOrder lastEmailSent lastWebsiteVisit lastLogin }
    recentErrors(limit: 3) { message lastSeen }
    timeline(first: 1) { edges { node { id type at } } }
  }
}`;

interface ProfilePayload {
  customerProfile: { timeline: { edges: Array<{ node: { id: string; type: ActivityType; at: string } }> } };
}

/** Of every ten subscribers to a customer, eight take everything, one only orders, one only the website. */
function typesFor(slot: number): ActivityType[] | null {
  if (slot % 10 === 8) return [ActivityType.ONLINE_ORDER, ActivityType.INSTORE_ORDER];
  if (slot % 10 === 9) return [ActivityType.WEBSITE_VISIT, ActivityType.LOGIN, ActivityType.WEBSITE_ERROR];
  return null;
}

interface Push {
  key: string;
  type: ActivityType;
  at: number;
  receivedAt: number;
}

interface Subscriber {
  customerId: string;
  types: ReadonlySet<ActivityType> | null;
  client: Client;
  pushes: Push[];
  /** An error, an unexpected completion, or its socket closed while the run was on. */
  failed: boolean;
}

export interface FanoutResult {
  kind: Kind;
  rate: number;
  /** Rows the gateway's sink committed per second during the window (each one an announced event). */
  committedPerSec: number;
  /** Distinct events that reached subscribers in the window, per second. */
  deliveredPerSec: number;
  subscribers: number;
  /** Seconds to open every socket and see every subscription registered at the gateway. */
  connectSec: number;
  pushesPerSec: number;
  p50: number;
  p99: number;
  max: number;
  rssIdleMiB: number;
  rssMiB: number;
  /**
   * CPU time over the window, in % of one core: the gateway process (ClickHouse's threads included),
   * its JavaScript main thread (where GraphQL and graphql-ws run), and this process's subscribers.
   */
  gatewayCpu: number;
  gatewayMainThreadCpu: number;
  clientCpu: number;
  /** Events a subscriber did not get that another subscriber to the same customer, with a matching filter, got. */
  missedPushes: number;
  failedSubscriptions: number;
  /** Subscriptions the gateway still held once every client had gone. */
  leftOpen: number;
  /** Profile queries the gateway sent to ClickHouse per second (every loader read, pushes and all). */
  profileReadsPerSec: number;
  /** Their mean duration, as the gateway times them (waiting for the engine included). */
  profileReadMs: number;
}

const subscriptionMetric: Record<Kind, string> = { activity: 'customer360_active_subscriptions', profile: 'customer360_profile_subscriptions' };
let kindNow: Kind = 'activity';
const activeSubscriptions = (url: string) => scrapeSum(url, subscriptionMetric[kindNow]);
const profileReads = (url: string) => scrapeSum(url, 'customer360_clickhouse_query_duration_seconds_count', (labels) => labels.includes('label="profile"'));
const profileReadSeconds = (url: string) => scrapeSum(url, 'customer360_clickhouse_query_duration_seconds_sum', (labels) => labels.includes('label="profile"'));
const rowsCommitted = (url: string) => scrapeSum(url, 'customer360_sink_rows_written_total');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

/** Opens one socket per subscriber, a hundred at a time (the listen backlog is finite), each with one subscription. */
async function connect(gateway: GatewayProcess, run: { on: boolean }): Promise<Subscriber[]> {
  const url = `${gateway.url.replace('http', 'ws')}/graphql`;
  const subscribers: Subscriber[] = [];
  for (let from = 0; from < fanoutSettings.subscribers; from += 100) {
    const wave: Promise<void>[] = [];
    for (let i = from; i < Math.min(from + 100, fanoutSettings.subscribers); i++) {
      const customerId = demoCustomerId(i % fanoutSettings.customers);
      const types = typesFor(Math.floor(i / fanoutSettings.customers));
      let connected!: () => void;
      wave.push(new Promise<void>((resolve) => (connected = resolve)));
      const client = createClient({
        url,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        on: {
          connected: () => connected(),
          closed: () => {
            connected();
            if (run.on) subscriber.failed = true;
          },
        },
      });
      const subscriber: Subscriber = { customerId, types: kindNow === 'activity' ? types && new Set(types) : null, client, pushes: [], failed: false };
      // A profile push counts for the newest event it shows, the first time this subscriber sees it there.
      const seen = new Set<string>();
      const onActivity = (data: { customerActivity: { type: ActivityType; at: string; summary: string } } | undefined, receivedAt: number) => {
        const event = data?.customerActivity;
        if (!event) return false;
        subscriber.pushes.push({ key: `${event.at}|${event.type}|${event.summary}`, type: event.type, at: Date.parse(event.at), receivedAt });
        return true;
      };
      const onProfile = (data: ProfilePayload | undefined, receivedAt: number) => {
        const newest = data?.customerProfile.timeline.edges[0]?.node;
        if (!data) return false;
        if (newest && !seen.has(newest.id)) {
          seen.add(newest.id);
          subscriber.pushes.push({ key: newest.id, type: newest.type, at: Date.parse(newest.at), receivedAt });
        }
        return true;
      };
      client.subscribe<Record<string, never>>(
        kindNow === 'activity' ? { query: SUBSCRIPTION, variables: { customerId, types } } : { query: PROFILE_SUBSCRIPTION, variables: { customerId } },
        {
          next: (result) => {
            const receivedAt = Date.now();
            const data = (result.data ?? undefined) as never;
            const ok = kindNow === 'activity' ? onActivity(data, receivedAt) : onProfile(data, receivedAt);
            if (!ok || result.errors) subscriber.failed = true;
          },
          error: () => (subscriber.failed = true),
          complete: () => {
            if (run.on) subscriber.failed = true;
          },
        },
      );
      subscribers.push(subscriber);
    }
    await Promise.all(wave);
  }
  return subscribers;
}

/**
 * One run on a gateway process of its own: connect every subscriber, count what arrives in a window
 * of BENCH_DURATION_SEC seconds (by receipt time), keep listening a second more, disconnect.
 */
async function measure(kind: Kind, rate: number): Promise<FanoutResult> {
  kindNow = kind;
  const gateway = await startGatewayProcess({
    CLICKHOUSE_DATA_DIR: fanoutSettings.dataDir,
    DEMO: 'true',
    DEMO_CUSTOMERS: String(fanoutSettings.customers),
    DEMO_TRICKLE_PER_SEC: String(rate),
  });
  const run = { on: true };
  let subscribers: Subscriber[] = [];
  try {
    const rssIdle = gateway.rss();
    const started = performance.now();
    subscribers = await connect(gateway, run);
    const registered = await waitUntil(async () => (await activeSubscriptions(gateway.url)) >= fanoutSettings.subscribers, 30_000);
    const connectSec = (performance.now() - started) / 1000;
    const connectedCount = await activeSubscriptions(gateway.url);
    if (!registered) process.stderr.write(`  only ${connectedCount} of ${fanoutSettings.subscribers} subscriptions registered\n`);
    await sleep(1_000);

    let rss = gateway.rss();
    const sampler = setInterval(() => (rss = Math.max(rss, gateway.rss())), 250);
    const rowsBefore = await rowsCommitted(gateway.url);
    const readsBefore = await profileReads(gateway.url);
    const readSecondsBefore = await profileReadSeconds(gateway.url);
    const gatewayCpuBefore = gateway.cpu();
    const clientCpuBefore = process.cpuUsage();
    const t0 = Date.now();
    await sleep(settings.durationSec * 1000);
    const t1 = Date.now();
    const gatewayCpuAfter = gateway.cpu();
    // CPU seconds over the window's milliseconds, in % of one core.
    const gatewayCpu = ((gatewayCpuAfter.total - gatewayCpuBefore.total) * 1000 * 100) / (t1 - t0);
    const gatewayMainThreadCpu = ((gatewayCpuAfter.js - gatewayCpuBefore.js) * 1000 * 100) / (t1 - t0);
    const clientCpuUsed = process.cpuUsage(clientCpuBefore);
    const clientCpu = ((clientCpuUsed.user + clientCpuUsed.system) / 1000 / (t1 - t0)) * 100;
    const rowsAfter = await rowsCommitted(gateway.url);
    const readsAfter = await profileReads(gateway.url);
    const readSecondsAfter = await profileReadSeconds(gateway.url);
    clearInterval(sampler);
    // Pushes of one event to a customer's several subscribers leave the gateway together; give stragglers time.
    await sleep(1_000);
    run.on = false;
    await Promise.all(subscribers.map((s) => s.client.dispose()));
    await waitUntil(async () => (await activeSubscriptions(gateway.url)) === 0, 10_000);
    const leftOpen = await activeSubscriptions(gateway.url);

    const latencies: number[] = [];
    // Per customer, the events one of its subscribers received in the window, and their types.
    const eventsByCustomer = new Map<string, Map<string, ActivityType>>();
    for (const s of subscribers) {
      let events = eventsByCustomer.get(s.customerId);
      if (!events) eventsByCustomer.set(s.customerId, (events = new Map()));
      for (const p of s.pushes) {
        if (p.receivedAt < t0 || p.receivedAt >= t1) continue;
        latencies.push(p.receivedAt - p.at);
        events.set(p.key, p.type);
      }
    }
    let missedPushes = 0;
    for (const s of subscribers) {
      const got = new Set(s.pushes.map((p) => p.key));
      for (const [key, type] of eventsByCustomer.get(s.customerId)!) {
        if ((!s.types || s.types.has(type)) && !got.has(key)) missedPushes++;
      }
    }
    latencies.sort((a, b) => a - b);
    const seconds = (t1 - t0) / 1000;
    return {
      kind,
      rate,
      profileReadsPerSec: (readsAfter - readsBefore) / seconds,
      profileReadMs: readsAfter > readsBefore ? ((readSecondsAfter - readSecondsBefore) * 1000) / (readsAfter - readsBefore) : 0,
      committedPerSec: (rowsAfter - rowsBefore) / seconds,
      deliveredPerSec: [...eventsByCustomer.values()].reduce((n, events) => n + events.size, 0) / seconds,
      subscribers: connectedCount,
      connectSec,
      pushesPerSec: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? NaN,
      rssIdleMiB: rssIdle / 2 ** 20,
      rssMiB: rss / 2 ** 20,
      gatewayCpu,
      gatewayMainThreadCpu,
      clientCpu,
      missedPushes,
      failedSubscriptions: subscribers.filter((s) => s.failed).length,
      leftOpen,
    };
  } finally {
    if (run.on) await Promise.all(subscribers.map((s) => s.client.dispose()));
    await gateway.stop();
  }
}

function summarize(runs: FanoutResult[]): FanoutResult {
  const mid = (pick: (r: FanoutResult) => number) => median(runs.map(pick));
  return {
    kind: runs[0]!.kind,
    profileReadsPerSec: mid((r) => r.profileReadsPerSec),
    profileReadMs: mid((r) => r.profileReadMs),
    rate: runs[0]!.rate,
    committedPerSec: mid((r) => r.committedPerSec),
    deliveredPerSec: mid((r) => r.deliveredPerSec),
    subscribers: Math.min(...runs.map((r) => r.subscribers)),
    connectSec: mid((r) => r.connectSec),
    pushesPerSec: mid((r) => r.pushesPerSec),
    p50: mid((r) => r.p50),
    p99: mid((r) => r.p99),
    max: Math.max(...runs.map((r) => r.max)),
    rssIdleMiB: mid((r) => r.rssIdleMiB),
    rssMiB: Math.max(...runs.map((r) => r.rssMiB)),
    gatewayCpu: mid((r) => r.gatewayCpu),
    gatewayMainThreadCpu: mid((r) => r.gatewayMainThreadCpu),
    clientCpu: mid((r) => r.clientCpu),
    missedPushes: runs.reduce((n, r) => n + r.missedPushes, 0),
    failedSubscriptions: runs.reduce((n, r) => n + r.failedSubscriptions, 0),
    leftOpen: Math.max(...runs.map((r) => r.leftOpen)),
  };
}

/**
 * Subscription fan-out. For each of BENCH_FANOUT_KINDS and BENCH_FANOUT_RATES, BENCH_RUNS runs, each on a fresh
 * gateway process (a data directory of its own for each rate, a demo population of BENCH_FANOUT_CUSTOMERS customers,
 * the demo trickle at that rate): BENCH_SUBSCRIBERS graphql-ws connections with one subscription each, spread
 * evenly over those customers, measured for BENCH_DURATION_SEC seconds. `activity`: `customerActivity` (a fifth
 * filtered by type); `profile`: `customerProfile` with the whole profile but the charts, a push counted for the
 * newest timeline event it shows, the first time the subscriber sees it. Every event takes the real path: the
 * trickle writes it to the sink, the sink commits it to ClickHouse and publishes it (on the bus; to the profile
 * feed, which reads the profile), graphql-ws pushes it. Latency is receipt time minus the event's `at`, which the
 * trickle sets from the wall clock when it generates the event; both processes read the same host clock. So it
 * includes the sink's wait for a batch and the commit, and bounds commit → push from above. Medians of the runs.
 */
export async function fanout(): Promise<{ settings: typeof fanoutSettings; results: FanoutResult[] }> {
  const summary: FanoutResult[] = [];
  for (const kind of fanoutSettings.kinds) for (const rate of fanoutSettings.rates) {
    // A fresh data directory per rate; the runs after the first find the demo population loaded.
    rmSync(fanoutSettings.dataDir, { recursive: true, force: true });
    const runs: FanoutResult[] = [];
    for (let run = 0; run < settings.runs; run++) {
      const r = await measure(kind, rate);
      process.stderr.write(
        `  ${kind}, ${rate} events/s run ${run + 1}/${settings.runs}: ${r.committedPerSec.toFixed(0)} committed/s, ${r.deliveredPerSec.toFixed(0)} delivered/s, ` +
          `${r.subscribers} subscribers, ${r.pushesPerSec.toFixed(0)} pushes/s, p50 ${r.p50} ms, p99 ${r.p99} ms, RSS ${r.rssMiB.toFixed(0)} MiB, ` +
          `CPU gateway ${r.gatewayCpu.toFixed(0)}% (main thread ${r.gatewayMainThreadCpu.toFixed(0)}%) client ${r.clientCpu.toFixed(0)}%, ` +
          `${r.missedPushes} missed, ${r.failedSubscriptions} failed, ${r.profileReadsPerSec.toFixed(1)} profile reads/s of ${r.profileReadMs.toFixed(0)} ms\n`,
      );
      runs.push(r);
    }
    summary.push(summarize(runs));
  }
  console.log(
    table(
      [
        'subscription',
        'trickle events/s',
        'committed events/s',
        'delivered events/s',
        'subscribers',
        'connect s',
        'pushes/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'gateway RSS MiB (before → during)',
        'CPU % gateway (main thread) / client',
        'missed pushes',
        'failed / left open subscriptions',
        'profile reads/s (mean ms)',
      ],
      summary.map((r) => [
        r.kind === 'activity' ? 'customerActivity' : 'customerProfile',
        r.rate,
        r.committedPerSec.toFixed(0),
        r.deliveredPerSec.toFixed(0),
        r.subscribers,
        r.connectSec.toFixed(1),
        r.pushesPerSec.toFixed(0),
        r.p50,
        r.p99,
        r.max,
        `${r.rssIdleMiB.toFixed(0)} → ${r.rssMiB.toFixed(0)}`,
        `${r.gatewayCpu.toFixed(0)} (${r.gatewayMainThreadCpu.toFixed(0)}) / ${r.clientCpu.toFixed(0)}`,
        r.missedPushes,
        `${r.failedSubscriptions} / ${r.leftOpen}`,
        `${r.profileReadsPerSec.toFixed(1)} (${r.profileReadMs.toFixed(0)})`,
      ]),
    ),
  );
  return { settings: fanoutSettings, results: summary };
}
