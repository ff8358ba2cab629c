// Bad Kafka messages go to the dead-letter topic with their reason; the good ones around them are ingested.
import type { KafkaMessage } from 'kafkajs';
import { startIngesters, type Ingesters } from '../../src/ingest';
import { DEAD_LETTER_HEADERS } from '../../src/ingest/kafka/dead-letter';
import { IngestedActivityDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { expectRollupsMatchSources } from '../utils/verify';
import { capturedLogger, connectedProducer, createTopics, kafkaClient, kafkaEnv, readTopic, uniqueName } from '../utils/ingest';
import { waitFor } from '../utils/services';

const name = uniqueName('c360-dlq');
const env = kafkaEnv(name);
const topics = { weblogs: env.KAFKA_TOPIC_WEBLOGS, emails: env.KAFKA_TOPIC_EMAILS, deadLetter: env.KAFKA_TOPIC_DEAD_LETTER };
const kafka = kafkaClient(name);
const CUSTOMERS = Array.from({ length: 10 }, (_, i) => `D${i}`);
const BASE = Date.UTC(2024, 0, 1);

let t: TestGateway;
let ingesters: Ingesters;

interface Planned {
  topic: string;
  key: string;
  value: string;
  /** The dead-letter reason a bad message must carry. */
  reason: RegExp | null;
}

const BAD_WEBLOGS: Array<(i: number, user: string) => [string, RegExp]> = [
  (i) => [`{"n": ${i}, "page": `, /^not JSON$/],
  (i, user) => [JSON.stringify([{ user_id: user, n: i }]), /^not a JSON object: array$/],
  (i) => [JSON.stringify({ date: BASE + i, page: 'p.html', n: i }), /^user_id: missing$/],
  (i) => [JSON.stringify({ user_id: i, date: BASE + i, page: 'p.html' }), /^user_id: expected a string, got number$/],
  (i, user) => [JSON.stringify({ user_id: user, date: `the ${i}th of May`, page: 'p.html' }), /^date: not a date/],
  (i, user) => [JSON.stringify({ user_id: user, page: 'p.html', n: i }), /^date: missing$/],
  (i, user) => [JSON.stringify({ user_id: user, date: BASE + i, page: i }), /^page: expected a string, got number$/],
  (i, user) => [JSON.stringify({ user_id: user, date: BASE + i, page: 'p.html', error_message: { code: i } }), /^error_message: expected a string or null, got object$/],
];
const BAD_EMAILS: Array<(i: number, user: string) => [string, RegExp]> = [
  (i, user) => [JSON.stringify({ email_id: `E${i}`, user_id: user, date: BASE, email_opened: 'yes', email_clicked: false }), /^email_opened: expected a boolean, got string$/],
  (i, user) => [JSON.stringify({ user_id: user, date: BASE, email_opened: true, email_clicked: false, n: i }), /^email_id: missing$/],
];

/** 1,000 bad messages interleaved with 1,000 good ones, over both topics. */
function plan(): Planned[] {
  const out: Planned[] = [];
  for (let i = 0; i < 1000; i++) {
    // Rotates so that each customer gets 90 page views and 10 emails.
    const user = CUSTOMERS[(i + Math.floor(i / 10)) % CUSTOMERS.length]!;
    const emails = i % 10 === 9;
    const topic = emails ? topics.emails : topics.weblogs;
    const good = emails
      ? { email_id: `E-${i}`, user_id: user, date: BASE + i * 60_000, email_opened: i % 3 === 0, email_clicked: false }
      : { user_id: user, date: new Date(BASE + i * 60_000).toISOString(), page: `page-${i}.html`, error_message: i % 7 === 0 ? 'Timeout' : null };
    const bads = emails ? BAD_EMAILS : BAD_WEBLOGS;
    const [badValue, reason] = bads[i % bads.length]!(i, user);
    out.push({ topic, key: user, value: JSON.stringify(good), reason: null });
    out.push({ topic, key: user, value: badValue, reason });
  }
  return out;
}

beforeAll(async () => {
  await createTopics(kafka, [topics.weblogs, topics.emails, topics.deadLetter]);
  t = await startTestGateway({ ...env, MAX_FIRST: '1000' });
  await t.gateway.sink.write(
    CUSTOMERS.map((id) => ({
      kind: 'customer' as const,
      row: { id, source_id: id, first_name: id, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null },
    })),
  );
  ingesters = await startIngesters(t.gateway.config, t.gateway, capturedLogger().logger);
});

afterAll(async () => {
  await ingesters?.stop();
  await t?.close();
});

// Every scenario ends with the rollups equal to a recomputation from the source tables, field by field.
afterEach(async () => {
  await t.gateway.sink.flush();
  await expectRollupsMatchSources(t.gateway.store);
});

test('1,000 bad messages among good ones: every good one is ingested, every bad one is on the dead-letter topic with its reason', async () => {
  const planned = plan();
  const producer = await connectedProducer(kafka);
  try {
    for (let i = 0; i < planned.length; i += 250) {
      const chunk = planned.slice(i, i + 250);
      for (const topic of [topics.weblogs, topics.emails]) {
        const messages = chunk.filter((p) => p.topic === topic).map((p) => ({ key: p.key, value: p.value }));
        if (messages.length > 0) await producer.send({ topic, messages });
      }
    }
  } finally {
    await producer.disconnect();
  }

  await waitFor(
    async () => {
      const counts = ingesters.status().kafka!.topics;
      const deadLettered = counts[topics.weblogs]!.deadLettered + counts[topics.emails]!.deadLettered;
      const ingested = counts[topics.weblogs]!.ingested + counts[topics.emails]!.ingested;
      return deadLettered === 1000 && ingested === 1000;
    },
    { timeoutMs: 30_000, what: `1,000 ingested and 1,000 dead-lettered: ${JSON.stringify(ingesters.status().kafka?.topics)}` },
  );

  // Every good message is in the profiles: 90 page views and 10 emails per customer.
  for (const id of CUSTOMERS) {
    const res = await t.graphql(IngestedActivityDocument, { id, first: 1000 });
    const types = res.data?.customer?.timeline.edges.map((e) => e.node.type) ?? [];
    expect([id, types.length, types.filter((type) => type === 'EMAIL_SENT').length]).toEqual([id, 100, 10]);
  }

  // Every bad message is on the dead-letter topic, unchanged, with its reason and where it came from.
  const dead = await readTopic(kafka, topics.deadLetter, 1000);
  const sources = new Map<string, KafkaMessage>();
  for (const topic of [topics.weblogs, topics.emails]) {
    const count = planned.filter((p) => p.topic === topic).length;
    for (const m of await readTopic(kafka, topic, count)) sources.set(`${topic}/${m.offset}/${m.value?.toString()}`, m);
  }
  const expectedReason = new Map(planned.filter((p) => p.reason).map((p) => [p.value, p.reason!]));
  const header = (m: KafkaMessage, h: string) => m.headers?.[h]?.toString();
  let checked = 0;
  for (const m of dead) {
    const value = m.value!.toString();
    const reason = expectedReason.get(value);
    expect(reason).toBeDefined();
    expect(header(m, DEAD_LETTER_HEADERS.reason)).toMatch(reason!);
    const topic = header(m, DEAD_LETTER_HEADERS.topic)!;
    expect([topics.weblogs, topics.emails]).toContain(topic);
    expect(Number(header(m, DEAD_LETTER_HEADERS.partition))).toBeGreaterThanOrEqual(0);
    // The offset points at the original message, which had this very value and key.
    const original = sources.get(`${topic}/${header(m, DEAD_LETTER_HEADERS.offset)}/${value}`);
    expect(original?.key?.toString()).toBe(m.key?.toString());
    expectedReason.delete(value);
    checked++;
  }
  expect(checked).toBe(1000);
  expect(expectedReason.size).toBe(0);
});
