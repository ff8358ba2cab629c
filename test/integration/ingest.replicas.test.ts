// Activity across replicas: the ingesting gateway publishes committed activity to Kafka, and a
// subscriber on another gateway process receives it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Producer } from 'kafkajs';
import { startIngesters, type Ingesters } from '../../src/ingest';
import { startTestGateway, type TestGateway } from '../utils/gateway';
import {
  capturedLogger,
  connectedProducer,
  createTopics,
  kafkaClient,
  kafkaEnv,
  startChildGateway,
  subscribeActivity,
  uniqueName,
  type ChildGateway,
} from '../utils/ingest';
import { waitFor } from '../utils/services';

const name = uniqueName('c360-replicas');
const env = { ...kafkaEnv(name), ACTIVITY_FANOUT: 'kafka' };
const kafka = kafkaClient(name);
const replicaDir = mkdtempSync(path.join(tmpdir(), 'c360-replica-'));

let ingesting: TestGateway;
let ingesters: Ingesters;
let replica: ChildGateway;
let producer: Producer;
let views = 0;

/** A page view of P1 that no other call produces. */
async function pageView(): Promise<string> {
  const page = `page-${++views}.html`;
  await producer.send({
    topic: env.KAFKA_TOPIC_WEBLOGS,
    messages: [{ key: 'P1', value: JSON.stringify({ user_id: 'P1', date: Date.UTC(2024, 4, 1, 10, views), page, error_message: null }) }],
  });
  return `Visited ${page}`;
}

beforeAll(async () => {
  await createTopics(kafka, [env.KAFKA_TOPIC_WEBLOGS, env.KAFKA_TOPIC_EMAILS, env.KAFKA_TOPIC_ACTIVITY]);
  producer = await connectedProducer(kafka);
  // A second process (embedded ClickHouse is one data directory per process): it ingests nothing
  // and only serves subscriptions.
  replica = await startChildGateway({ ...env, INGEST: 'false', CLICKHOUSE_DATA_DIR: replicaDir });
  ingesting = await startTestGateway(env);
  ingesters = await startIngesters(ingesting.gateway.config, ingesting.gateway, capturedLogger().logger);
}, 120_000);

afterAll(async () => {
  await ingesters?.stop();
  await ingesting?.close();
  await replica?.kill('SIGKILL');
  await producer?.disconnect();
  rmSync(replicaDir, { recursive: true, force: true });
});

test('a subscriber on a replica that ingests nothing receives the activity the ingesting gateway commits', async () => {
  const local = subscribeActivity(ingesting.url, 'P1');
  const remote = subscribeActivity(replica.url, 'P1');
  try {
    await waitFor(async () => ingesting.gateway.bus.subscriberCount() > 0, { what: 'the local subscription to register' });
    // The replica's subscription is registered once a page view reaches it; produce until one does.
    await waitFor(
      async () => {
        if (remote.events.length > 0) return true;
        await pageView();
        return false;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'a first push on the replica' },
    );

    const summaries = [await pageView(), await pageView(), await pageView()];
    await waitFor(async () => summaries.every((s) => remote.events.some((e) => e.summary === s)), { what: 'the replica to push three more page views' });
    expect(remote.events.filter((e) => summaries.includes(e.summary)).map((e) => e.summary)).toEqual(summaries);
    expect(remote.events.every((e) => e.customerId === 'P1' && e.type === 'WEBSITE_VISIT' && e.source === 'weblogs')).toBe(true);

    // The ingesting gateway delivers its own activity once: not again when it reads it back from Kafka.
    await waitFor(async () => local.events.length === views, { what: `all ${views} page views on the ingesting gateway` });
    expect(new Set(local.events.map((e) => e.summary)).size).toBe(local.events.length);
    expect(remote.errors).toEqual([]);
  } finally {
    await local.close();
    await remote.close();
  }
});
