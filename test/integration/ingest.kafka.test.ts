// Kafka topics into ClickHouse, against a real Kafka broker.
import type { Producer } from 'kafkajs';
import { startIngesters, type Ingesters } from '../../src/ingest';
import { IngestedActivityDocument } from '../generated/graphql';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import { expectRollupsMatchSources } from '../utils/verify';
import { capturedLogger, connectedProducer, createTopics, kafkaClient, kafkaEnv, subscribeActivity, uniqueName } from '../utils/ingest';
import { waitFor } from '../utils/services';

const name = uniqueName('c360-kafka');
const env = kafkaEnv(name);
const topics = { weblogs: env.KAFKA_TOPIC_WEBLOGS, emails: env.KAFKA_TOPIC_EMAILS };
const kafka = kafkaClient(name);

let t: TestGateway;
let producer: Producer;
let ingesters: Ingesters;

const send = (topic: string, values: Array<Record<string, unknown>>) =>
  producer.send({ topic, messages: values.map((v) => ({ key: String(v['user_id']), value: JSON.stringify(v) })) });

async function activity(id: string) {
  const res = await t.graphql(IngestedActivityDocument, { id, first: 100 });
  return res.data?.customer ?? null;
}

beforeAll(async () => {
  await createTopics(kafka, [topics.weblogs, topics.emails]);
  producer = await connectedProducer(kafka);
  t = await startTestGateway({ ...env, MAX_FIRST: '1000' });
  // customer(id) is null without a customers row: give the customers of this file one.
  await t.gateway.sink.write(
    ['K1', 'K2'].map((id) => ({
      kind: 'customer' as const,
      row: { id, source_id: id, first_name: id, last_name: null, gender: null, dob: null, email: null, street: null, city: null, postcode: null, country: null },
    })),
  );
  ingesters = await startIngesters(t.gateway.config, t.gateway, capturedLogger().logger);
});

afterAll(async () => {
  await ingesters?.stop();
  await producer?.disconnect();
  await t?.close();
});

// Every scenario ends with the rollups equal to a recomputation from the source tables, field by field.
afterEach(async () => {
  await t.gateway.sink.flush();
  await expectRollupsMatchSources(t.gateway.store);
});

test('weblogs and emails show in queries and are pushed to the subscription', async () => {
  const sub = subscribeActivity(t.url, 'K1');
  try {
    await waitFor(async () => t.gateway.bus.subscriberCount() > 0, { what: 'the subscription to register' });
    await send(topics.weblogs, [
      { user_id: 'K1', date: '2024-05-01T10:00:00.000Z', page: 'login_success.html', error_message: null },
      { user_id: 'K1', date: Date.UTC(2024, 4, 1, 10, 5), page: 'checkout.html', error_message: 'Payment declined' },
    ]);
    await send(topics.emails, [{ email_id: 'E-K1-1', user_id: 'K1', date: '2024-05-02T09:00:00Z', email_opened: true, email_clicked: false }]);

    await waitFor(async () => (await activity('K1'))?.timeline.edges.length === 3, { what: 'three entries in the timeline' });
    const k1 = await activity('K1');
    expect(k1?.lastActivity).toEqual({
      lastEmailSent: '2024-05-02T09:00:00.000Z',
      lastEmailOpened: '2024-05-02T09:00:00.000Z',
      lastEmailClicked: null,
      lastWebsiteVisit: '2024-05-01T10:05:00.000Z',
      lastLogin: '2024-05-01T10:00:00.000Z',
    });
    expect(k1?.recentErrors).toEqual([{ message: 'Payment declined', page: 'checkout.html', occurrences: 1 }]);

    await waitFor(async () => sub.events.length >= 3, { what: 'three pushes on the subscription' });
    expect(sub.events.map((e) => [e.type, e.at, e.source]).sort()).toEqual([
      ['EMAIL_SENT', '2024-05-02T09:00:00.000Z', 'marketing_emails'],
      ['LOGIN', '2024-05-01T10:00:00.000Z', 'weblogs'],
      ['WEBSITE_ERROR', '2024-05-01T10:05:00.000Z', 'weblogs'],
    ]);
  } finally {
    await sub.close();
  }
});

test('a message delivered twice counts once, and a later email message replaces the earlier one', async () => {
  const view = { user_id: 'K2', date: '2024-05-03T08:00:00.000Z', page: 'index.html', error_message: null };
  // The same page view twice (once with its date as epoch milliseconds), then a different one;
  // one key, so one partition, in this order.
  await send(topics.weblogs, [view, { ...view, date: Date.UTC(2024, 4, 3, 8) }, { ...view, page: 'about.html', date: '2024-05-03T08:01:00Z' }]);
  await send(topics.emails, [
    { email_id: 'E-K2-1', user_id: 'K2', date: '2024-05-03T07:00:00Z', email_opened: false, email_clicked: false },
    { email_id: 'E-K2-1', user_id: 'K2', date: '2024-05-03T07:00:00Z', email_opened: true, email_clicked: true },
  ]);

  await waitFor(async () => (await activity('K2'))?.lastActivity.lastEmailClicked === '2024-05-03T07:00:00.000Z', {
    what: 'the later email message to win',
  });
  await waitFor(async () => (await activity('K2'))?.lastActivity.lastWebsiteVisit === '2024-05-03T08:01:00.000Z', {
    what: 'the last page view',
  });
  const k2 = await activity('K2');
  expect(k2?.timeline.edges.map((e) => e.node.type).sort()).toEqual(['EMAIL_SENT', 'WEBSITE_VISIT', 'WEBSITE_VISIT']);

  // Delivered again (as after a consumer crashed before committing), then one more view after it
  // in the same partition: once that one shows, the redelivery has been ingested too.
  await send(topics.weblogs, [view, { ...view, page: 'contact.html', date: '2024-05-03T08:02:00Z' }]);
  await waitFor(async () => (await activity('K2'))?.lastActivity.lastWebsiteVisit === '2024-05-03T08:02:00.000Z', {
    what: 'the page view after the redelivery',
  });
  expect((await activity('K2'))?.timeline.edges.map((e) => e.node.summary).sort()).toEqual([
    'Marketing email E-K2-1 sent (opened and clicked)',
    'Visited about.html',
    'Visited contact.html',
    'Visited index.html',
  ]);

  const status = ingesters.status().kafka!;
  expect(status.connected).toBe(true);
  expect(status.lag).toBe(0);
  const ready = await fetch(`${t.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(((await ready.json()) as { checks: Record<string, { ok: boolean }> }).checks['kafka']).toMatchObject({ ok: true, detail: { connected: true, lagSeconds: 0 } });
  expect(status.topics[topics.weblogs]).toEqual({ consumed: 7, ingested: 7, deadLettered: 0 });
  expect(status.topics[topics.emails]).toEqual({ consumed: 3, ingested: 3, deadLettered: 0 });
});

test('a later message for an email replaces an earlier one whatever partition either came on', async () => {
  // The later message (broker timestamps are the producer's create time here) is produced first, on
  // partition 1; the earlier one after it, on partition 0: arrival order and offsets say nothing.
  const at = Date.UTC(2024, 4, 4, 7);
  const message = (opened: boolean) => JSON.stringify({ email_id: 'E-K1-P', user_id: 'K1', date: at, email_opened: opened, email_clicked: false });
  await producer.send({ topic: topics.emails, messages: [{ key: 'K1', value: message(true), partition: 1, timestamp: String(Date.now()) }] });
  await waitFor(async () => (await activity('K1'))?.lastActivity.lastEmailOpened === new Date(at).toISOString(), { what: 'the later message' });
  await producer.send({ topic: topics.emails, messages: [{ key: 'K1', value: message(false), partition: 0, timestamp: String(Date.now() - 60_000) }] });
  // Then a message on partition 0 after it: once it shows, the earlier message has been read too.
  await producer.send({
    topic: topics.emails,
    messages: [{ key: 'K1', value: JSON.stringify({ email_id: 'E-K1-Q', user_id: 'K1', date: at - 1, email_opened: false, email_clicked: false }), partition: 0 }],
  });
  await waitFor(async () => (await activity('K1'))?.timeline.edges.some((e) => e.node.summary.includes('E-K1-Q')) ?? false, { what: 'the message after it' });
  const k1 = await activity('K1');
  expect(k1?.lastActivity.lastEmailOpened).toBe(new Date(at).toISOString());
  expect(k1?.timeline.edges.filter((e) => e.node.summary.includes('E-K1-P')).map((e) => e.node.summary)).toEqual(['Marketing email E-K1-P sent (opened)']);
});
