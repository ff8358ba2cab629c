import { hashApiKey } from '../../src/auth/credentials';
import { ErrorCode } from '../../src/errors';
import type { IngestRecord } from '../../src/ingest/records';
import { FullProfileDocument } from '../generated/graphql';
import { fuzzInputs, type FuzzInput } from '../utils/fuzzInputs';
import { startTestGateway, type TestGateway } from '../utils/gateway';

// 10,000 random and hostile inputs against the running gateway over HTTP. Every one must get an
// answer (no hung connection), never a 5xx, and either data or errors that each carry a code from
// the ErrorCode enum; afterwards the gateway is healthy and the data written before is unchanged.
// Reproduce a failure with FUZZ_SEED=<seed> (printed on failure) and the input's index.

const SEED = Number(process.env['FUZZ_SEED'] ?? 20_240_501);
const COUNT = Number(process.env['FUZZ_COUNT'] ?? 10_000);
const CONCURRENCY = 8;
/** A response slower than this is a hung connection, not a slow one: nothing here takes near it. */
const HANG_MS = 60_000;
const API_KEY = 'c360_fuzz-test-key-0123456789';
const CODES = new Set<string>(Object.values(ErrorCode));

let t: TestGateway;

const fixtures: IngestRecord[] = [
  {
    kind: 'customer',
    row: { id: 'C0000001', source_id: 'C0000001', first_name: 'Ada', last_name: 'Lovelace', gender: 'female', dob: '1815-12-10', email: 'ada@example.com', street: null, city: 'London', postcode: null, country: 'United Kingdom' },
  },
  { kind: 'order', row: { user_id: 'C0000001', channel: 'online', order_id: 'fz-1', date: Date.UTC(2025, 0, 2), item_names: ['Scarf', 'Hat'], item_prices: [20, 12.5], item_quantities: [1, 2], location: 'Leeds' } },
  { kind: 'email', row: { user_id: 'C0000001', email_id: 'fz-e1', date: Date.UTC(2025, 0, 3), opened: 1, clicked: 0 } },
  { kind: 'weblog', row: { user_id: 'C0000001', date: Date.UTC(2025, 0, 4), page: 'login_success.html', error_message: null, event_key: 'fz-w1' } },
];

beforeAll(async () => {
  t = await startTestGateway({
    AUTH_API_KEYS: `${hashApiKey(API_KEY)}:support:fuzz`,
    // 10,000 requests from one credential in a minute: the rate limit has its own test.
    RATE_LIMIT_SUPPORT: '0',
  });
  await t.gateway.sink.write(fixtures);
});
afterAll(() => t?.close());

interface Outcome {
  input: FuzzInput;
  status: number;
  problem: string | null;
}

async function send(input: FuzzInput): Promise<Outcome> {
  let res: Response;
  try {
    res = await fetch(`${t.url}${input.path}`, {
      method: input.method,
      headers: input.headers,
      ...(input.body !== undefined ? { body: input.body } : {}),
      signal: AbortSignal.timeout(HANG_MS),
    });
  } catch (error) {
    return { input, status: 0, problem: `no response: ${(error as Error).message}` };
  }
  const text = await res.text();
  if (res.status >= 500) return { input, status: res.status, problem: `server error: ${text.slice(0, 300)}` };
  if (input.method === 'HEAD') return { input, status: res.status, problem: null };
  let body: { data?: unknown; errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }> };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { input, status: res.status, problem: `not a JSON body: ${text.slice(0, 300)}` };
  }
  const errors = body.errors ?? [];
  const uncoded = errors.filter((e) => typeof e.message !== 'string' || typeof e.extensions?.code !== 'string' || !CODES.has(e.extensions.code));
  if (uncoded.length > 0) return { input, status: res.status, problem: `error without a known code: ${JSON.stringify(uncoded[0]).slice(0, 300)}` };
  if (res.status >= 400 && errors.length === 0) return { input, status: res.status, problem: `${res.status} without errors: ${text.slice(0, 300)}` };
  if (res.status < 400 && errors.length === 0 && (body.data === undefined || body.data === null)) {
    return { input, status: res.status, problem: `neither data nor errors: ${text.slice(0, 300)}` };
  }
  return { input, status: res.status, problem: null };
}

test(`${COUNT} random and hostile inputs (seed ${SEED}): each answered with data or coded errors, never a 5xx or a hang`, async () => {
  const support = { 'x-api-key': API_KEY };
  const before = await t.graphql(FullProfileDocument, { id: 'C0000001' }, support);
  expect(before.errors).toBeUndefined();

  const inputs = fuzzInputs(SEED, COUNT, support);
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < inputs.length) outcomes.push(await send(inputs[next++] as FuzzInput));
    }),
  );

  const byKind = new Map<string, Map<number, number>>();
  for (const o of outcomes) {
    const statuses = byKind.get(o.input.kind) ?? new Map<number, number>();
    statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
    byKind.set(o.input.kind, statuses);
  }
  const summary = [...byKind].map(([kind, statuses]) => `${kind}: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);
  const failures = outcomes.filter((o) => o.problem !== null);
  if (failures.length > 0 || process.env['FUZZ_VERBOSE']) {
    console.log(
      [`fuzz seed ${SEED}: ${outcomes.length} inputs, ${failures.length} failed`, ...summary,
        ...failures.slice(0, 10).map((f) => `#${f.input.index} [${f.input.kind}] ${f.input.method} ${f.input.path.slice(0, 80)} ${JSON.stringify(f.input.body ?? '').slice(0, 200)} → ${f.problem}`)].join('\n'),
    );
  }
  expect(outcomes).toHaveLength(COUNT);
  expect(failures.map((f) => `#${f.input.index} ${f.problem}`)).toEqual([]);

  // Still healthy, still serving, and the data written before is unchanged.
  expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  const after = await t.graphql(FullProfileDocument, { id: 'C0000001' }, support);
  expect(after.errors).toBeUndefined();
  expect(after.data).toEqual(before.data);
}, 900_000);
