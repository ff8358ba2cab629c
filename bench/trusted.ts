import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { parse, validate, type GraphQLSchema } from 'graphql';
import { InProcessActivityBus } from '../src/activity/bus';
import { demoCustomerId, prng } from '../src/ingest/demo/generator';
import { graphqlValidationRules, nestingError } from '../src/limits/document';
import { buildGatewaySchema } from '../src/schema/build';
import { median, settings, startGatewayProcess, table, type GatewayProcess } from './common';
import { FULL_PROFILE, PERSONALISATION } from './profile';

/**
 * What a trusted document saves per request. Two parts:
 * 1. In process, the work the gateway does for a document sent as text that it skips for a trusted one: the
 *    JSON body's parse (text vs id), the nesting scan, the SHA-256 Apollo keys its document store by, and
 *    the parse and validation that a document costs the first time Apollo sees it (and that every
 *    graphql-ws subscribe costs, as it has no such store).
 * 2. Through the built gateway (dist/main.js, its own process, demo data), the same query sent by autocannon
 *    as text and by documentId, interleaved runs: throughput, latency and gateway CPU per request.
 */

const ITERATIONS = Number(process.env['BENCH_TRUSTED_ITERATIONS'] ?? 2_000);
const CONNECTIONS = Number(process.env['BENCH_TRUSTED_CONNECTIONS'] ?? 8);
const DURATION_SEC = settings.durationSec;
const RUNS = settings.runs;
const CUSTOMERS = 10_000;

/** Microseconds per call, median of 5 rounds of ITERATIONS calls. */
function microseconds(run: () => unknown): number {
  for (let i = 0; i < ITERATIONS / 10; i++) run();
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) run();
    rounds.push(Number(process.hrtime.bigint() - started) / 1_000 / ITERATIONS);
  }
  return median(rounds);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function inProcess(schema: GraphQLSchema, name: string, query: string) {
  const rules = graphqlValidationRules({ introspection: true });
  const document = parse(query);
  const textBody = JSON.stringify({ query, variables: { id: 'C0000001' } });
  const idBody = JSON.stringify({ documentId: `sha256:${sha256(query)}`, variables: { id: 'C0000001' } });
  const row = {
    document: name,
    bytes: `${textBody.length} / ${idBody.length}`,
    jsonText: microseconds(() => JSON.parse(textBody)),
    jsonId: microseconds(() => JSON.parse(idBody)),
    nesting: microseconds(() => nestingError(query, 10_000)),
    sha256: microseconds(() => sha256(query)),
    parse: microseconds(() => parse(query, { maxTokens: 10_000 })),
    validate: microseconds(() => validate(schema, document, rules)),
  };
  return row;
}

async function drive(gateway: GatewayProcess, body: (id: string) => string, randomId: () => string) {
  const cpuBefore = gateway.cpu();
  const result = await autocannon({
    url: `${gateway.url}/graphql`,
    connections: CONNECTIONS,
    duration: DURATION_SEC,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: body(randomId()) }) }],
  });
  const cpuAfter = gateway.cpu();
  const requests = result.requests.total;
  return {
    perSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUs: ((cpuAfter.total - cpuBefore.total) * 1e6) / requests,
    jsUs: ((cpuAfter.js - cpuBefore.js) * 1e6) / requests,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

export async function trusted() {
  const schema = await buildGatewaySchema(new InProcessActivityBus());
  const micro = [inProcess(schema, 'Personalisation', PERSONALISATION), inProcess(schema, 'FullProfile', FULL_PROFILE)];
  const us = (n: number) => n.toFixed(1);
  console.log(`In process, µs per call (median of 5 × ${ITERATIONS}):\n`);
  console.log(
    table(
      ['document', 'body bytes (text / id)', 'JSON.parse text body', 'JSON.parse id body', 'nesting scan', 'SHA-256', 'parse', 'validate'],
      micro.map((r) => [r.document, r.bytes, us(r.jsonText), us(r.jsonId), us(r.nesting), us(r.sha256), us(r.parse), us(r.validate)]),
    ),
  );

  // The manifest holds the document as its client sends it by id; sent as text with other whitespace, the same
  // operation is an ordinary document, which Apollo parses once and then finds in its store.
  const trustedText = PERSONALISATION.replace(/\s+/g, ' ');
  const documentId = `sha256:${sha256(trustedText)}`;
  const dir = await mkdtemp(path.join(tmpdir(), 'c360-bench-trusted-'));
  const manifest = path.join(dir, 'persisted-documents.json');
  await writeFile(manifest, JSON.stringify({ [documentId]: trustedText }));
  const gateway = await startGatewayProcess({
    CLICKHOUSE_DATA_DIR: path.join(dir, 'clickhouse'),
    DEMO: 'true',
    DEMO_CUSTOMERS: String(CUSTOMERS),
    DEMO_TRICKLE_PER_SEC: '0',
    TRUSTED_DOCUMENTS_FILES: manifest,
  });
  const rand = prng(361);
  const randomId = () => demoCustomerId(Math.floor(rand() * CUSTOMERS));
  const bodies = {
    text: (id: string) => JSON.stringify({ query: PERSONALISATION, variables: { id } }),
    documentId: (id: string) => JSON.stringify({ documentId, variables: { id } }),
  };
  const results: Record<keyof typeof bodies, Array<Awaited<ReturnType<typeof drive>>>> = { text: [], documentId: [] };
  try {
    // The demo loads after the gateway listens: wait for its last customer, and check both forms answer.
    for (let i = 0; ; i++) {
      const res = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies.documentId(demoCustomerId(CUSTOMERS - 1)) });
      const body = (await res.json()) as { data?: { customer: unknown } };
      if (body.data?.customer) break;
      if (i > 600) throw new Error(`the demo never loaded: ${JSON.stringify(body).slice(0, 300)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await drive(gateway, bodies.text, randomId);
    for (let run = 0; run < RUNS; run++) {
      for (const form of ['text', 'documentId'] as const) {
        const r = await drive(gateway, bodies[form], randomId);
        process.stderr.write(`  ${form} run ${run + 1}/${RUNS}: ${r.perSec.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, CPU ${r.cpuUs.toFixed(0)} µs/req (JS ${r.jsUs.toFixed(0)}), errors ${r.errors}\n`);
        results[form].push(r);
      }
    }
  } finally {
    await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const summary = (['text', 'documentId'] as const).map((form) => {
    const runs = results[form];
    return {
      form,
      perSec: median(runs.map((r) => r.perSec)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      cpuUs: median(runs.map((r) => r.cpuUs)),
      jsUs: median(runs.map((r) => r.jsUs)),
      errors: runs.reduce((n, r) => n + r.errors, 0),
    };
  });
  console.log(`\nThrough the gateway: Personalisation for random customers of ${CUSTOMERS}, ${CONNECTIONS} connections, ${RUNS} × ${DURATION_SEC} s each, medians:\n`);
  console.log(
    table(
      ['sent as', 'requests/s', 'p50 ms', 'p99 ms', 'gateway CPU µs/request (JS thread)', 'errors'],
      summary.map((r) => [r.form, r.perSec.toFixed(0), r.p50, r.p99, `${r.cpuUs.toFixed(0)} (${r.jsUs.toFixed(0)})`, r.errors]),
    ),
  );
  return { micro, gateway: summary };
}
