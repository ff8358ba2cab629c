import autocannon from 'autocannon';
import { demoCustomerId, prng } from '../src/ingest/demo/generator';
import { median, scrapeSum, settings, startGatewayProcess, table, type GatewayProcess } from './common';

/** The full-profile query: every field of SPEC.md's Customer. */
export const FULL_PROFILE = `query FullProfile($id: ID!) {
  customer(id: $id) {
    id firstName lastName gender dateOfBirth age email
    address { street city postcode country }
    purchaseStats {
      online { orders items itemsPerOrder amountSpent lastOrderAt }
      instore { orders items itemsPerOrder amountSpent lastOrderAt }
      totalOrders totalItems totalSpent
    }
    favouriteProducts { productName purchases }
    lastActivity { lastInstoreOrder lastOnlineOrder lastEmailSent lastEmailOpened lastEmailClicked lastWebsiteVisit lastLogin }
    timeline { edges { cursor node { customerId type at summary source } } pageInfo { hasNextPage endCursor } }
    recentErrors { message page lastSeen occurrences }
  }
}`;

/**
 * What a storefront asks on every page view (issue "Profiles from incrementally maintained per-customer
 * state"): behaviour only, no personal data.
 */
export const PERSONALISATION = `query Personalisation($id: ID!) {
  customer(id: $id) {
    id
    purchaseStats { totalOrders totalSpent online { lastOrderAt } }
    favouriteProducts(limit: 5) { productName purchases }
    lastActivity { lastOnlineOrder lastWebsiteVisit lastLogin }
  }
}`;

type Mode = 'shared' | 'request' | 'naive';
type Shape = 'full' | 'personalisation';
const QUERIES: Record<Shape, string> = { full: FULL_PROFILE, personalisation: PERSONALISATION };

export interface ProfileResult {
  shape: Shape;
  mode: Mode;
  connections: number;
  p50: number;
  p99: number;
  profilesPerSec: number;
  queriesPerProfile: number;
  /** Gateway CPU per profile, ms: all threads, and the JavaScript thread alone. */
  cpuMsPerProfile: number;
  jsMsPerProfile: number;
  /** The load generator's CPU per profile, ms (autocannon runs in this process, on the same cores). */
  clientMsPerProfile: number;
  rssMiB: number;
  errors: number;
}

const queryCount = (url: string) => scrapeSum(url, 'customer360_clickhouse_query_duration_seconds_count', (l) => l.includes('kind="query"'));

/** A few profiles answered in full, or the run would measure error responses. */
async function verify(gateway: GatewayProcess, randomId: () => string, query: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { id: randomId() } }),
    });
    const body = (await res.json()) as { data?: { customer: unknown }; errors?: unknown };
    if (res.status !== 200 || body.errors || !body.data?.customer) {
      throw new Error(`full profile query failed (HTTP ${res.status}): ${JSON.stringify(body).slice(0, 500)}`);
    }
  }
}

async function drive(gateway: GatewayProcess, connections: number, randomId: () => string, mode: Mode, shape: Shape): Promise<ProfileResult> {
  const queriesBefore = await queryCount(gateway.url);
  const cpuBefore = gateway.cpu();
  const clientBefore = process.cpuUsage();
  let rss = gateway.rss();
  const sampler = setInterval(() => (rss = Math.max(rss, gateway.rss())), 250);
  const result = await autocannon({
    url: `${gateway.url}/graphql`,
    connections,
    duration: settings.durationSec,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ query: QUERIES[shape], variables: { id: randomId() } }) }),
      },
    ],
  });
  clearInterval(sampler);
  const client = process.cpuUsage(clientBefore);
  const cpuAfter = gateway.cpu();
  const queries = (await queryCount(gateway.url)) - queriesBefore;
  const profiles = result.requests.total;
  const perProfile = (seconds: number) => (profiles > 0 ? (seconds * 1000) / profiles : NaN);
  return {
    shape,
    mode,
    connections,
    p50: result.latency.p50,
    p99: result.latency.p99,
    profilesPerSec: result.requests.average,
    queriesPerProfile: profiles > 0 ? queries / profiles : NaN,
    cpuMsPerProfile: perProfile(cpuAfter.total - cpuBefore.total),
    jsMsPerProfile: perProfile(cpuAfter.js - cpuBefore.js),
    clientMsPerProfile: perProfile((client.user + client.system) / 1e6),
    rssMiB: rss / 2 ** 20,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

function summarize(results: ProfileResult[]): ProfileResult[] {
  const groups = new Map<string, ProfileResult[]>();
  for (const r of results) {
    const key = `${r.shape}/${r.mode}/${r.connections}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((runs) => ({
    shape: runs[0]!.shape,
    mode: runs[0]!.mode,
    connections: runs[0]!.connections,
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    profilesPerSec: median(runs.map((r) => r.profilesPerSec)),
    queriesPerProfile: median(runs.map((r) => r.queriesPerProfile)),
    cpuMsPerProfile: median(runs.map((r) => r.cpuMsPerProfile)),
    jsMsPerProfile: median(runs.map((r) => r.jsMsPerProfile)),
    clientMsPerProfile: median(runs.map((r) => r.clientMsPerProfile)),
    rssMiB: Math.max(...runs.map((r) => r.rssMiB)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  }));
}

/**
 * Full profiles for random customers at 1, 8, 32 and 128 connections (autocannon), batched across
 * requests (the default); the personalisation read at 32 and 128; then full profiles at 32 connections with
 * per-request batching only and with no batching at all. Each row is a median of BENCH_RUNS runs of
 * BENCH_DURATION_SEC seconds. BENCH_SHAPES (full,personalisation) and BENCH_MODES narrow the plan.
 */
export async function profile(): Promise<ProfileResult[]> {
  const rand = prng(settings.seed + 1);
  const randomId = () => demoCustomerId(Math.floor(rand() * settings.customers));
  const shapes = (process.env['BENCH_SHAPES'] ?? 'full,personalisation').split(',');
  const modes = (process.env['BENCH_MODES'] ?? 'shared,request,naive').split(',');
  const plan: Array<{ mode: Mode; runs: Array<{ shape: Shape; connections: number }> }> = [
    {
      mode: 'shared',
      runs: [
        ...settings.connections.map((connections) => ({ shape: 'full' as const, connections })),
        ...[32, 128].map((connections) => ({ shape: 'personalisation' as const, connections })),
      ],
    },
    { mode: 'request', runs: [{ shape: 'full', connections: 32 }] },
    { mode: 'naive', runs: [{ shape: 'full', connections: 32 }] },
  ];
  const results: ProfileResult[] = [];
  for (const { mode, runs } of plan) {
    const wanted = runs.filter((r) => shapes.includes(r.shape));
    if (!modes.includes(mode) || wanted.length === 0) continue;
    const gateway = await startGatewayProcess({ CLICKHOUSE_DATA_DIR: settings.dataDir, LOADER_MODE: mode });
    try {
      for (const shape of new Set(wanted.map((r) => r.shape))) await verify(gateway, randomId, QUERIES[shape]);
      // Warm the engine's caches and the JIT before measuring.
      await autocannon({ url: `${gateway.url}/graphql`, connections: 8, duration: 3, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: FULL_PROFILE, variables: { id: randomId() } }) });
      for (const { shape, connections: c } of wanted) {
        for (let run = 0; run < settings.runs; run++) {
          const r = await drive(gateway, c, randomId, mode, shape);
          process.stderr.write(`  ${shape} ${mode} c=${c} run ${run + 1}/${settings.runs}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.profilesPerSec.toFixed(0)} profiles/s, ${r.queriesPerProfile.toFixed(2)} queries/profile, CPU ${r.cpuMsPerProfile.toFixed(1)} ms/profile (JS ${r.jsMsPerProfile.toFixed(1)}), load generator ${r.clientMsPerProfile.toFixed(1)}\n`);
          results.push(r);
        }
      }
    } finally {
      await gateway.stop();
    }
  }
  const summary = summarize(results);
  const shared32 = summary.find((r) => r.shape === 'full' && r.mode === 'shared' && r.connections === 32);
  const naive32 = summary.find((r) => r.shape === 'full' && r.mode === 'naive' && r.connections === 32);
  console.log(
    table(
      ['query', 'loading', 'connections', 'p50 ms', 'p99 ms', 'profiles/s', 'ClickHouse queries/profile', 'CPU ms/profile (JS thread)', 'load generator CPU ms/profile', 'gateway RSS MiB', 'errors'],
      summary.map((r) => [
        r.shape,
        r.mode,
        r.connections,
        r.p50,
        r.p99,
        r.profilesPerSec.toFixed(0),
        r.queriesPerProfile.toFixed(2),
        `${r.cpuMsPerProfile.toFixed(1)} (${r.jsMsPerProfile.toFixed(1)})`,
        r.clientMsPerProfile.toFixed(1),
        r.rssMiB.toFixed(0),
        r.errors,
      ]),
    ),
  );
  if (shared32 && naive32) {
    console.log(`\nbatched / naive throughput at 32 connections: ${(shared32.profilesPerSec / naive32.profilesPerSec).toFixed(1)}×`);
  }
  return summary;
}
