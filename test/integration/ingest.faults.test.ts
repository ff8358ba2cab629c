// Faults while ingesting, against the real services: the Kafka broker stopped and started again
// mid-stream, and ClickHouse refusing writes for a while. Either way the profiles then count exactly
// what was produced, nothing lost and nothing twice. (The gateway killed mid-stream: ingest.crash.test.ts.)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel, Partitioners, type Message, type Producer } from 'kafkajs';
import { loadConfig } from '../../src/config';
import { startIngesters, type Ingesters } from '../../src/ingest';
import { IngestSink } from '../../src/ingest/sink';
import { IngestedActivityDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { capturedLogger, createTopics, kafkaClient, kafkaEnv, readTopic, uniqueName } from '../utils/ingest';
import { waitFor } from '../utils/services';
import { prng } from '../../src/ingest/demo/generator';

const SERVICES_SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'services.sh');
const BASE = Date.UTC(2024, 5, 1);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let t: TestGateway;
let broker: DedicatedBroker | undefined;

interface View {
  user_id: string;
  date: number;
  page: string;
  error_message: string | null;
}

/**
 * Page views and emails for some customers, made in rounds and produced in order. A send that fails
 * stays at the head of the queue and is sent again, as a producer with a buffer would; the rounds
 * made meanwhile wait behind it.
 */
class ActivityStream {
  /** Distinct page views per customer, by date (each view has a date of its own). */
  readonly views = new Map<string, Set<number>>();
  /** Per email: its customer, date and whether its latest message says opened. */
  readonly emails = new Map<string, { user: string; date: number; opened: boolean }>();
  /** Messages the broker acknowledged, per topic (a message sent again counts again). */
  readonly acknowledged: Record<string, number> = {};
  failedSends = 0;
  rounds = 0;
  private readonly queue: Array<{ topic: string; messages: Message[] }> = [];
  private readonly sentViews: View[] = [];
  private readonly rand: () => number;
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly producer: Producer,
    private readonly topics: { weblogs: string; emails: string },
    private readonly customers: readonly string[],
    seed: number,
  ) {
    this.rand = prng(seed);
    this.acknowledged[topics.weblogs] = 0;
    this.acknowledged[topics.emails] = 0;
  }

  /** Makes and sends rounds until stop(). */
  start(): void {
    this.stopping = false;
    this.loop = (async () => {
      while (!this.stopping) {
        this.round();
        await this.sendQueued();
        await sleep(20);
      }
      while (this.queue.length > 0) {
        if (!(await this.sendQueued())) await sleep(200);
      }
    })();
  }

  /** Stops making rounds; resolves once every round made is acknowledged. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  /** Stops at once, dropping what is not sent yet (cleanup after a failure). */
  async abandon(): Promise<void> {
    this.stopping = true;
    this.queue.length = 0;
    await this.loop;
  }

  get produced(): number {
    return Object.values(this.acknowledged).reduce((a, b) => a + b, 0);
  }

  get queued(): number {
    return this.queue.reduce((n, s) => n + s.messages.length, 0);
  }

  /** What the profiles must say, per customer. */
  expected() {
    return this.customers.map((id) => {
      const emails = [...this.emails.values()].filter((e) => e.user === id);
      const opened = emails.filter((e) => e.opened).map((e) => e.date);
      return {
        id,
        views: [...(this.views.get(id) ?? [])].sort((a, b) => a - b).map((d) => new Date(d).toISOString()),
        emails: emails.length,
        lastEmailOpened: opened.length > 0 ? new Date(Math.max(...opened)).toISOString() : null,
      };
    });
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)]!;
  }

  /** Eight new page views and two earlier ones again; two new emails and an earlier one opened since. */
  private round(): void {
    const r = this.rounds++;
    const views: View[] = [];
    for (let i = 0; i < 8; i++) {
      const view = {
        user_id: this.pick(this.customers),
        date: BASE + r * 60_000 + i * 1000,
        page: i === 0 ? 'login_success.html' : `p${i}.html`,
        error_message: i === 7 ? 'Oops' : null,
      };
      views.push(view);
      this.sentViews.push(view);
    }
    for (let i = 0; i < 2; i++) views.push(this.pick(this.sentViews));
    for (const v of views) {
      if (!this.views.has(v.user_id)) this.views.set(v.user_id, new Set());
      this.views.get(v.user_id)!.add(v.date);
    }
    const emails = [0, 1].map((i) => ({ email_id: `E${r}-${i}`, user_id: this.pick(this.customers), date: BASE + r * 60_000 + i, email_opened: false, email_clicked: false }));
    if (this.emails.size > 0) {
      const [emailId, e] = this.pick([...this.emails.entries()]);
      emails.push({ email_id: emailId, user_id: e.user, date: e.date, email_opened: true, email_clicked: true });
    }
    for (const e of emails) this.emails.set(e.email_id, { user: e.user_id, date: e.date, opened: e.email_opened });
    const message = (v: { user_id: string }) => ({ key: v.user_id, value: JSON.stringify(v) });
    this.queue.push({ topic: this.topics.weblogs, messages: views.map(message) }, { topic: this.topics.emails, messages: emails.map(message) });
  }

  /** Sends the queue in order; stops at the first failure (true once the queue is empty). */
  private async sendQueued(): Promise<boolean> {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      try {
        await this.producer.send(head);
      } catch {
        this.failedSends++;
        return false;
      }
      this.queue.shift();
      this.acknowledged[head.topic]! += head.messages.length;
    }
    return true;
  }
}

/** The profiles' page views, emails and last opened email for the stream's customers. */
async function actual(customers: readonly string[]) {
  return Promise.all(
    customers.map(async (id) => {
      const views = await t.graphql(IngestedActivityDocument, { id, first: 1000, types: ['WEBSITE_VISIT', 'LOGIN', 'WEBSITE_ERROR'] });
      const emails = await t.graphql(IngestedActivityDocument, { id, first: 1000, types: ['EMAIL_SENT'] });
      if (!views.data?.customer || !emails.data?.customer) throw new Error(JSON.stringify(views.errors ?? emails.errors ?? `no customer ${id}`));
      return {
        id,
        views: views.data.customer.timeline.edges.map((e) => e.node.at).sort(),
        emails: emails.data.customer.timeline.edges.length,
        lastEmailOpened: emails.data.customer.lastActivity.lastEmailOpened,
      };
    }),
  );
}

/** Page views produced but missing from the profiles, and views the profiles show more than once or never produced. */
function tally(expected: ReturnType<ActivityStream['expected']>, got: Awaited<ReturnType<typeof actual>>) {
  let lost = 0;
  let duplicates = 0;
  let emailsOff = 0;
  for (const [i, e] of expected.entries()) {
    const seen = new Map<string, number>();
    for (const at of got[i]!.views) seen.set(at, (seen.get(at) ?? 0) + 1);
    for (const at of e.views) if (!seen.has(at)) lost++;
    for (const [at, n] of seen) duplicates += e.views.includes(at) ? n - 1 : n;
    if (e.emails !== got[i]!.emails || e.lastEmailOpened !== got[i]!.lastEmailOpened) emailsOff++;
  }
  return { lost, duplicates, emailsOff };
}

/** Waits until the profiles show exactly what the stream produced; returns the tally (all zeros). */
async function countedExactly(stream: ActivityStream, customers: readonly string[], what: string) {
  const expected = stream.expected();
  let last = { lost: -1, duplicates: -1, emailsOff: -1 };
  await waitFor(
    async () => {
      last = tally(expected, await actual(customers));
      return last.lost === 0 && last.duplicates === 0 && last.emailsOff === 0;
    },
    { timeoutMs: 60_000, intervalMs: 250, what },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${JSON.stringify(last)}`);
  });
  return last;
}

/** The Kafka part of the gateway configuration for this environment, for startIngesters(). */
function ingestConfig(env: Record<string, string>) {
  const config = loadConfig(env);
  return { kafka: config.kafka, operations: config.operations };
}

/** Gives the customers a customers row: customer(id) is null without one. */
async function addCustomers(ids: readonly string[]): Promise<void> {
  await t.gateway.sink.write(
    ids.map((id) => ({
      kind: 'customer' as const,
      row: { id, source_id: id, first_name: id, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null },
    })),
  );
}

async function readyz(): Promise<{ status: number; kafka: { ok: boolean; detail?: unknown } | undefined }> {
  const response = await fetch(`${t.url}/readyz`);
  const body = (await response.json()) as { checks: Record<string, { ok: boolean; detail?: unknown }> };
  return { status: response.status, kafka: body.checks['kafka'] };
}

/** A port whose next port is free too (the broker's controller listens there). */
async function freePortPair(): Promise<number> {
  const listen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const { port: bound } = server.address() as { port: number };
        server.close(() => resolve(bound));
      });
    });
  for (;;) {
    const port = await listen(0);
    if (port !== null && port < 65_535 && (await listen(port + 1)) !== null) return port;
  }
}

/** A Kafka broker of this test's own (the shared one serves other test files meanwhile), run by scripts/services.sh. */
class DedicatedBroker {
  readonly runDir = mkdtempSync(path.join(tmpdir(), 'c360-faults-kafka-'));
  constructor(readonly port: number) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** `services.sh <command> kafka` on this broker's run dir and port, without blocking the event loop. */
  run(command: 'start' | 'stop'): Promise<void> {
    const env = {
      ...process.env,
      C360_RUN_DIR: this.runDir,
      KAFKA_PORT: String(this.port),
      KAFKA_CONTROLLER_PORT: String(this.port + 1),
      KAFKA_HEAP_OPTS: '-Xmx256m -Xms64m',
    };
    return new Promise((resolve, reject) => {
      const child = spawn('bash', [SERVICES_SCRIPT, command, 'kafka'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`services.sh ${command} kafka exited with ${code}:\n${stderr}`))));
    });
  }
}

beforeAll(async () => {
  // The broker of the first test starts meanwhile (a JVM: the slowest part).
  broker = new DedicatedBroker(await freePortPair());
  const [gateway, started] = await Promise.allSettled([startTestGateway({ MAX_FIRST: '1000', MAX_IDS: '1000' }), broker.run('start')]);
  // Keep the gateway even if the broker failed, so afterAll closes it: a chdb engine left open would fail
  // every later test file in this worker.
  if (gateway.status === 'fulfilled') t = gateway.value;
  for (const outcome of [gateway, started]) if (outcome.status === 'rejected') throw outcome.reason;
}, 120_000);

afterAll(async () => {
  await t?.close();
  await broker?.run('stop').catch(() => undefined);
  if (broker) rmSync(broker.runDir, { recursive: true, force: true });
}, 120_000);

// ---------------------------------------------------------------- a broker restart

describe('the Kafka broker stopped and started again mid-stream', () => {
  const name = uniqueName('c360-faults-broker');
  const customers = Array.from({ length: 10 }, (_, i) => `FB${i}`);
  let kafka: Kafka;
  let producer: Producer;
  let ingesters: Ingesters | undefined;
  let stream: ActivityStream | undefined;

  beforeAll(async () => {
    // Few, quick retries: a send to the stopped broker fails soon, and the stream sends it again.
    kafka = new Kafka({ clientId: name, brokers: [broker!.address], logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 } });
    producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await addCustomers(customers);
  }, 120_000);

  afterAll(async () => {
    await stream?.abandon();
    await ingesters?.stop().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  });

  test('after the restart the profiles count exactly what was produced, and /readyz recovers', async () => {
    const env = { ...kafkaEnv(name), KAFKA_BROKERS: broker!.address };
    const topics = { weblogs: env.KAFKA_TOPIC_WEBLOGS, emails: env.KAFKA_TOPIC_EMAILS };
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [topics.weblogs, topics.emails, env.KAFKA_TOPIC_DEAD_LETTER].map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
    await admin.disconnect();

    const log = capturedLogger();
    ingesters = await startIngesters(ingestConfig(env), t.gateway, log.logger);
    stream = new ActivityStream(producer, topics, customers, 4401);
    stream.start();
    const ingested = () => {
      const counts = ingesters!.status().kafka!.topics;
      return counts[topics.weblogs]!.ingested + counts[topics.emails]!.ingested;
    };
    await waitFor(async () => ingested() >= 100, { timeoutMs: 30_000, what: 'the first messages to be ingested' });
    expect((await readyz()).kafka?.ok).toBe(true);

    // The broker goes away while messages keep coming; the producer holds on to what fails. It stays
    // away until the consumer has given up retrying (kafkajs then restarts it) and /readyz says so.
    await broker!.run('stop');
    const failedBefore = stream.failedSends;
    await waitFor(async () => stream!.failedSends >= failedBefore + 3, { timeoutMs: 30_000, what: 'sends to the stopped broker to fail' });
    await waitFor(async () => (await readyz()).kafka?.ok === false, { timeoutMs: 60_000, what: '/readyz to report Kafka down' });
    const queuedWhileDown = stream.queued;
    await broker!.run('start');

    // A few more rounds after the restart, then every round made is acknowledged.
    const roundsAtRestart = stream.rounds;
    await waitFor(async () => stream!.rounds >= roundsAtRestart + 5 && stream!.queued === 0, { timeoutMs: 60_000, what: 'the producer to catch up' });
    await stream.stop();
    expect(queuedWhileDown).toBeGreaterThan(0);

    const figures = await countedExactly(stream, customers, 'the profiles to count every message once');
    expect(figures).toEqual({ lost: 0, duplicates: 0, emailsOff: 0 });
    await waitFor(async () => (await readyz()).status === 200, { timeoutMs: 30_000, what: '/readyz to recover' });
    const status = ingesters.status().kafka!;
    expect(status.connected).toBe(true);
    expect(status.lag).toBe(0);
    // It went through a crash and the consumer's own restart, not just retried fetches.
    const crashes = log.lines().filter((l) => l['msg'] === 'Kafka consumer crashed');
    expect(crashes.length).toBeGreaterThan(0);
    expect(crashes.every((l) => l['restart'] === true)).toBe(true);
  }, 180_000);
});

// ---------------------------------------------------------------- ClickHouse refusing writes

/** Every message of a topic with its partition and offset, read from the beginning. */
async function readPartitions(kafka: Kafka, topic: string, count: number): Promise<Array<{ partition: number; offset: bigint; view: View }>> {
  const messages = await readTopic(kafka, topic, count);
  return messages.map((m) => ({ partition: m.partition, offset: BigInt(m.offset), view: JSON.parse(m.value!.toString()) as View }));
}

describe('ClickHouse refusing writes for a while', () => {
  const name = uniqueName('c360-faults-clickhouse');
  const env = kafkaEnv(name);
  const topics = { weblogs: env.KAFKA_TOPIC_WEBLOGS, emails: env.KAFKA_TOPIC_EMAILS };
  const customers = Array.from({ length: 10 }, (_, i) => `FC${i}`);
  const kafka = kafkaClient(name);
  let producer: Producer;
  let ingesters: Ingesters | undefined;
  let sink: IngestSink | undefined;
  let stream: ActivityStream | undefined;
  let detached = false;

  beforeAll(async () => {
    await createTopics(kafka, [topics.weblogs, topics.emails, env.KAFKA_TOPIC_DEAD_LETTER]);
    producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await addCustomers(customers);
  }, 60_000);

  afterAll(async () => {
    if (detached) await t.gateway.store.command('fault', 'ATTACH TABLE marketing_emails').catch(() => undefined);
    await stream?.abandon();
    await ingesters?.stop().catch(() => undefined);
    await sink?.close().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }, 60_000);

  test('failed batches are retried and their offsets stay uncommitted; afterwards every message counts once', async () => {
    // The real sink over the gateway's store, with its own log and short retry delays.
    const sinkLog = capturedLogger('warn');
    sink = new IngestSink(t.gateway.store, t.gateway.bus, { batchRows: 50_000, flushMs: 5, retryDelayMs: 50, maxRetryDelayMs: 400 }, sinkLog.logger);
    const config = ingestConfig(env);
    ingesters = await startIngesters(config, { sink, store: t.gateway.store, readiness: t.gateway.readiness }, capturedLogger().logger);
    stream = new ActivityStream(producer, topics, customers, 4402);
    stream.start();
    const counts = () => ingesters!.status().kafka!.topics;
    await waitFor(async () => counts()[topics.weblogs]!.ingested >= 100, { timeoutMs: 30_000, what: 'the first messages to be ingested' });

    // Inserts into marketing_emails now fail ("table does not exist"); the sink writes one batch
    // after another, so every batch waits behind the one that fails, weblogs included.
    await t.gateway.store.command('fault', 'DETACH TABLE marketing_emails');
    detached = true;
    await waitFor(async () => sink!.stats.writeFailures >= 8, { timeoutMs: 30_000, what: 'writes to fail and be retried' });
    const consumed = counts()[topics.weblogs]!.consumed;

    // What the group has committed, then what ClickHouse has (it only grows): every weblogs message
    // below a committed offset must already be in ClickHouse.
    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId: config.kafka!.groupId, topics: [topics.weblogs] });
    await admin.disconnect();
    const committed = new Map(offsets!.partitions.map((p) => [p.partition, BigInt(p.offset === '-1' ? 0 : p.offset)]));
    const rows = await t.gateway.store.query<{ user_id: string; ms: number }>(
      'fault',
      "SELECT user_id, toUnixTimestamp64Milli(at) AS ms FROM activity WHERE user_id IN {ids:Array(String)} AND type IN ('WEBSITE_VISIT', 'LOGIN', 'WEBSITE_ERROR')",
      { ids: customers },
    );
    const stored = new Set(rows.map((r) => `${r.user_id}|${r.ms}`));

    // Writes work again.
    await t.gateway.store.command('fault', 'ATTACH TABLE marketing_emails');
    detached = false;
    const roundsAtAttach = stream.rounds;
    await waitFor(async () => stream!.rounds >= roundsAtAttach + 10, { timeoutMs: 30_000, what: 'more rounds after the tables are back' });
    await stream.stop();
    const figures = await countedExactly(stream, customers, 'the profiles to count every message once');
    expect(figures).toEqual({ lost: 0, duplicates: 0, emailsOff: 0 });

    // The failures were retried (and logged), none given up.
    const retries = sinkLog.lines().filter((l) => l['msg'] === 'ClickHouse write failed; retrying');
    expect(retries.length).toBe(sink.stats.writeFailures);
    expect(retries.length).toBeGreaterThanOrEqual(8);
    expect(String((retries[0]!['err'] as { message?: string }).message)).toMatch(/marketing_emails/);

    // Messages consumed during the outage were held back: none of their offsets was committed.
    const messages = await readPartitions(kafka, topics.weblogs, stream.acknowledged[topics.weblogs]!);
    const belowCommitted = messages.filter((m) => m.offset < (committed.get(m.partition) ?? 0n));
    const committedNotStored = belowCommitted.filter((m) => !stored.has(`${m.view.user_id}|${m.view.date}`));
    expect(committedNotStored).toEqual([]);
    expect(consumed).toBeGreaterThan(belowCommitted.length);

    // A new ingester on the same group starts where the last one committed: it is handed only what
    // is produced from now on.
    await ingesters.stop();
    await sink.close();
    ingesters = await startIngesters(config, t.gateway, capturedLogger().logger);
    const producedBefore = { ...stream.acknowledged };
    stream.start();
    const roundsAtRestart = stream.rounds;
    await waitFor(async () => stream!.rounds >= roundsAtRestart + 5, { timeoutMs: 30_000, what: 'rounds for the new ingester' });
    await stream.stop();
    const after = await countedExactly(stream, customers, 'the profiles to count every message once after the restart');
    expect(after).toEqual({ lost: 0, duplicates: 0, emailsOff: 0 });
    expect(counts()[topics.weblogs]!.consumed).toBe(stream.acknowledged[topics.weblogs]! - producedBefore[topics.weblogs]!);
    expect(counts()[topics.emails]!.consumed).toBe(stream.acknowledged[topics.emails]! - producedBefore[topics.emails]!);
  }, 180_000);
});
