// Helpers for the ingestion tests: unique names on the shared servers, Kafka producing and reading,
// a captured log, a graphql-ws subscriber, and a gateway in a child process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { Kafka, logLevel, Partitioners, type KafkaMessage, type Producer } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import pino from 'pino';
import WebSocket from 'ws';
import type { Logger } from '../../src/logger';
import type { GraphQLResponse } from './gateway';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A name no other test file (or earlier run) uses: topics, groups and databases are shared by the servers. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Addresses from the jest global setup (or given by the environment). */
export function serviceAddresses(): { kafkaBrokers: string; mongoUrl: string } {
  const kafkaBrokers = process.env['KAFKA_BROKERS'];
  const mongoUrl = process.env['MONGO_URL'];
  if (!kafkaBrokers || !mongoUrl) {
    throw new Error('KAFKA_BROKERS and MONGO_URL are not set: run these tests through jest (test/utils/global-setup.ts starts the services)');
  }
  return { kafkaBrokers, mongoUrl };
}

/** Gateway environment for Kafka topics and a group of this test's own. */
export function kafkaEnv(name: string) {
  return {
    KAFKA_BROKERS: serviceAddresses().kafkaBrokers,
    KAFKA_CLIENT_ID: name,
    KAFKA_GROUP_ID: `${name}.ingest`,
    KAFKA_TOPIC_WEBLOGS: `${name}.weblogs`,
    KAFKA_TOPIC_EMAILS: `${name}.marketing_emails`,
    KAFKA_TOPIC_DEAD_LETTER: `${name}.dead-letter`,
    KAFKA_TOPIC_ACTIVITY: `${name}.activity`,
    KAFKA_TOPIC_SEGMENT_CHANGES: `${name}.segment-changes`,
    // The broker's minimum: a killed consumer's partitions move on after this long.
    KAFKA_SESSION_TIMEOUT_MS: '6000',
  };
}

export function kafkaClient(clientId = 'c360-test'): Kafka {
  return new Kafka({ clientId, brokers: serviceAddresses().kafkaBrokers.split(','), logLevel: logLevel.ERROR });
}

export async function createTopics(kafka: Kafka, topics: string[], numPartitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export async function connectedProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

/** Reads a topic from the beginning until `count` messages arrived (or the time is up: then it throws), each with its partition. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<Array<KafkaMessage & { partition: number }>> {
  const consumer = kafka.consumer({ groupId: uniqueName('c360-test-reader'), maxWaitTimeInMs: 200 });
  const messages: Array<KafkaMessage & { partition: number }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let done!: () => void;
    const enough = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push({ ...message, partition });
        if (messages.length >= count) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`read ${messages.length} of ${count} messages from ${topic} in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([enough, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/** A logger whose lines the test can read. */
export function capturedLogger(level = 'info'): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: pino({ level }, stream), lines: () => lines };
}

export interface ActivityPush {
  customerId: string;
  type: string;
  at: string;
  summary: string;
  source: string;
}

/** A `customerActivity` subscription over graphql-ws, collecting what it receives. */
export function subscribeActivity(baseUrl: string, customerId: string, types?: string[]): { events: ActivityPush[]; errors: unknown[]; close(): Promise<void> } {
  const client = createClient({ url: `${baseUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  const events: ActivityPush[] = [];
  const errors: unknown[] = [];
  const unsubscribe = client.subscribe<{ customerActivity: ActivityPush }>(
    {
      query: `subscription($customerId: ID!, $types: [ActivityType!]) {
        customerActivity(customerId: $customerId, types: $types) { customerId type at summary source }
      }`,
      variables: { customerId, types: types ?? null },
    },
    {
      next: (result) => {
        if (result.data) events.push(result.data.customerActivity);
        if (result.errors) errors.push(...result.errors);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return {
    events,
    errors,
    async close() {
      unsubscribe();
      await client.dispose();
    },
  };
}

export async function postGraphQL<T, V>(baseUrl: string, document: TypedDocumentNode<T, V> | DocumentNode, variables: V): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(document as DocumentNode), variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

// ---------------------------------------------------------------- a gateway in a child process

let build: string | null = null;

/**
 * Compiles src/ into a directory of this test file's own (so a build elsewhere in the tree cannot
 * change it under the test) and returns the path of its main.js.
 */
export function buildGateway(): string {
  if (build) return build;
  const root = mkdtempSync(path.join(tmpdir(), 'c360-build-'));
  // main.js finds clickhouse/ (the migrations) two levels above dist/store.
  symlinkSync(path.join(REPO_ROOT, 'clickhouse'), path.join(root, 'clickhouse'));
  // …and the demo's segments file beside it (DEMO_SEGMENTS_FILE).
  symlinkSync(path.join(REPO_ROOT, 'segments'), path.join(root, 'segments'));
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', path.join(root, 'dist')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  const main = path.join(root, 'dist', 'main.js');
  // Type errors still emit JavaScript; `npm run typecheck` is where they fail.
  if (!existsSync(main)) throw new Error(`building the gateway failed:\n${result.stdout}\n${result.stderr}`);
  build = main;
  return main;
}

export interface ChildGateway {
  process: ChildProcess;
  url: string;
  /** Parsed log lines so far. */
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts dist/main.js in a child process with only the given environment; resolves once it listens. */
export async function startChildGateway(env: Record<string, string>, readyMessage = 'customer360 gateway listening', timeoutMs = 60_000): Promise<ChildGateway> {
  const main = buildGateway();
  const child = spawn(process.execPath, [main], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? tmpdir(),
      NODE_PATH: path.join(REPO_ROOT, 'node_modules'),
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DEMO: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let buffered = '';
  let url: string | null = null;
  let ready = false;
  let onLine: (() => void) | null = null;
  child.stdout!.on('data', (data: Buffer) => {
    buffered += data.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) {
      if (!part.trim()) continue;
      try {
        const line = JSON.parse(part) as Record<string, unknown>;
        lines.push(line);
        if (line['msg'] === 'customer360 gateway listening') url = String(line['url']).replace(/\/graphql$/, '');
        if (line['msg'] === readyMessage) ready = true;
      } catch {
        lines.push({ msg: part });
      }
    }
    onLine?.();
  });
  child.stderr!.on('data', (data: Buffer) => stderr.push(data.toString()));

  const started = await Promise.race([
    new Promise<boolean>((resolve) => {
      onLine = () => {
        if (url && ready) resolve(true);
      };
    }),
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
  ]);
  onLine = null;
  if (!started || !url) {
    child.kill('SIGKILL');
    throw new Error(`the child gateway did not start:\n${lines.slice(-20).map((l) => JSON.stringify(l)).join('\n')}\n${stderr.join('')}`);
  }
  return {
    process: child,
    url,
    lines,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * What a test of a gateway process over real sources needs: a MongoDB database, the Kafka topics of `kafkaEnv(name)`
 * and a producer, a data directory; and a child gateway (set `child`), killed when the sources close.
 */
export interface Sources {
  db: Db;
  producer: Producer;
  child: ChildGateway | null;
  close(): Promise<void>;
}

/** `database` and `dataDir` are the gateway's MONGO_DATABASE and CLICKHOUSE_DATA_DIR; close() removes both. */
export async function openSources(database: string, kafka: Kafka, topics: ReturnType<typeof kafkaEnv>, dataDir: string): Promise<Sources> {
  const mongo = new MongoClient(serviceAddresses().mongoUrl);
  await mongo.connect();
  const db = mongo.db(database);
  await createTopics(kafka, [topics.KAFKA_TOPIC_WEBLOGS, topics.KAFKA_TOPIC_EMAILS, topics.KAFKA_TOPIC_DEAD_LETTER]);
  const producer = await connectedProducer(kafka);
  const sources: Sources = {
    db,
    producer,
    child: null,
    async close() {
      await sources.child?.kill('SIGKILL');
      await producer.disconnect();
      await db.dropDatabase().catch(() => undefined);
      await mongo.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return sources;
}
