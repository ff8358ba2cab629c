// Smoke test of the local services with the clients the gateway uses (kafkajs, mongodb driver 6.x).
//
//   node scripts/services/smoke.mjs [kafka] [mongo]      (default: both)
//
// Addresses come from KAFKA_BROKERS / MONGO_URL, else the defaults of scripts/services.sh
// (start them first: bash scripts/services.sh start). Exits non-zero on the first failure.
// Set SMOKE_VERBOSE=1 to print every change event as received.
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs from 'kafkajs';
import mongodb from 'mongodb';

const { Kafka, logLevel, Partitioners } = kafkajs;
const { MongoClient } = mongodb;

const brokers = (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? 19092}`).split(',');
const mongoUrl = process.env.MONGO_URL ?? `mongodb://127.0.0.1:${process.env.MONGO_PORT ?? 27217}`;
const verbose = Boolean(process.env.SMOKE_VERBOSE);
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ['kafka', 'mongo'];
const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

const hardTimeout = setTimeout(() => {
  console.error('smoke: FAILED: timed out after 90 s');
  process.exit(1);
}, 90_000);

const t0 = Date.now();
function check(condition, message) {
  if (!condition) throw new Error(message);
  console.log(`  ok - ${message} [${((Date.now() - t0) / 1000).toFixed(1)}s]`);
}

async function until(what, fn, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// ------------------------------------------------------------------ Kafka (kafkajs)
async function smokeKafka() {
  console.log(`kafka: ${brokers.join(',')} with kafkajs`);
  const kafka = new Kafka({ clientId: 'c360-smoke', brokers, logLevel: verbose ? logLevel.INFO : logLevel.ERROR });
  const topic = `c360-smoke-${suffix}`;
  const groups = [`c360-smoke-a-${suffix}`, `c360-smoke-b-${suffix}`];
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    check(cluster.brokers.length === 1, `describeCluster: 1 broker (controller ${cluster.controller})`);

    check(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true }), `createTopics ${topic}`);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    check(meta.topics[0].partitions.length === 3, 'topic has 3 partitions');

    await producer.connect();
    const send = (from, to) =>
      producer.send({
        topic,
        messages: Array.from({ length: to - from }, (_, i) => ({
          key: `customer-${(from + i) % 4}`,
          value: JSON.stringify({ n: from + i }),
          headers: { source: 'smoke' },
        })),
      });
    await send(0, 10);
    check(true, 'produced 10 messages (idempotent producer)');

    // Group A reads everything, committing as it goes.
    const consume = async (groupId, expected) => {
      // disconnect() waits for the fetch in flight: a short maxWaitTimeInMs keeps it from taking 5 s
      const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 250 });
      const seen = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommitInterval: 100,
        eachMessage: async ({ message }) => {
          seen.push(JSON.parse(message.value.toString()).n);
        },
      });
      await until(`${groupId} to receive ${expected} messages`, () => seen.length >= expected);
      await sleep(300); // anything beyond the expected count would show up here
      await consumer.disconnect(); // commits the resolved offsets
      return seen.sort((a, b) => a - b);
    };
    const offsetsOf = async (groupId) => {
      const [res] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return res.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    };

    let seen = await consume(groups[0], 10);
    check(seen.length === 10 && seen[9] === 9, 'group A consumed 10 messages');
    check((await offsetsOf(groups[0])) === 10, 'group A committed offsets summing to 10');

    await send(10, 15);
    seen = await consume(groups[0], 5);
    check(seen.join() === '10,11,12,13,14', 'group A resumed from its commits and got only the 5 new messages');

    seen = await consume(groups[1], 15);
    check(seen.length === 15, 'group B (second group) consumed all 15 messages');
    check((await offsetsOf(groups[1])) === 15, 'group B committed offsets summing to 15');

    const { groups: listed } = await admin.listGroups();
    check(groups.every((g) => listed.some((l) => l.groupId === g)), 'listGroups shows both groups');
    const described = await admin.describeGroups(groups);
    check(described.groups.every((g) => g.errorCode === 0), `describeGroups: ${described.groups.map((g) => g.state).join(', ')}`);

    await admin.deleteGroups(groups);
    await admin.deleteTopics({ topics: [topic] });
    check(true, 'deleted groups and topic');
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

// ------------------------------------------------------------------ MongoDB (driver 6.x)
const shape = (event) => {
  const keys = Object.keys(event).sort();
  return `${event.operationType}{${keys.join(',')}}`;
};

// Opens a change stream and pumps it in the background. Iterator mode with tryNext() and a pause
// when nothing came back: mongo-java-server answers getMore at once instead of waiting
// (awaitData), so the driver's emitter / for-await mode would spin thousands of getMores a second.
// The first tryNext() runs the initial aggregate, so the stream is open once this resolves.
async function openStream(collection, pipeline = [], options = {}) {
  const stream = collection.watch(pipeline, { fullDocument: 'updateLookup', ...options });
  const events = [];
  const record = (event) => {
    if (verbose) console.log('    event', JSON.stringify(event));
    events.push(event);
  };
  const first = await stream.tryNext();
  if (first) record(first);
  let closing = false;
  const pump = (async () => {
    while (!closing) {
      const event = await stream.tryNext().catch((error) => (closing ? null : { error }));
      if (event) record(event);
      else await sleep(20);
    }
  })();
  const close = async () => {
    closing = true;
    await pump;
    await stream.close();
  };
  return { events, close };
}

async function smokeMongo() {
  console.log(`mongo: ${mongoUrl} with the mongodb driver`);
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const db = client.db(`c360_smoke_${suffix}`);
  try {
    const ping = await db.admin().command({ ping: 1 });
    check(ping.ok === 1, 'ping');
    const hello = await db.admin().command({ isMaster: 1 }); // mongo-java-server has no 'hello'
    console.log(`    server: maxWireVersion ${hello.maxWireVersion}, setName ${hello.setName ?? '(none)'}`);

    const customers = db.collection('customers');
    await customers.insertMany([
      { _id: 'c1', name: 'Ada', tier: 'gold' },
      { _id: 'c2', name: 'Bob', tier: 'silver' },
    ]);
    const found = await customers.find({ tier: 'gold' }).toArray();
    check(found.length === 1 && found[0].name === 'Ada', 'insertMany + find');

    const { events, close } = await openStream(customers);
    await customers.insertOne({ _id: 'c3', name: 'Cy', tier: 'bronze' });
    await customers.updateOne({ _id: 'c3' }, { $set: { tier: 'gold' } });
    await customers.replaceOne({ _id: 'c2' }, { name: 'Bob B.', tier: 'gold' });
    await customers.deleteOne({ _id: 'c1' });
    await until('4 change events', () => events.length >= 4);
    const errors = events.filter((e) => e.error);
    check(errors.length === 0, `change stream without errors${errors.length ? `: ${errors[0].error}` : ''}`);
    const [ins, upd, rep, del] = events;
    check(ins.operationType === 'insert' && ins.fullDocument?.name === 'Cy' && ins.documentKey?._id === 'c3',
      'insert event with fullDocument and documentKey');
    check(upd.operationType === 'update' && upd.fullDocument?.tier === 'gold' && upd.fullDocument._id === 'c3',
      'update event with the looked-up fullDocument (updateLookup)');
    console.log(`    update event documentKey: ${JSON.stringify(upd.documentKey)}`);
    check(['replace', 'update'].includes(rep.operationType) && rep.fullDocument?.name === 'Bob B.',
      `replaceOne arrives as "${rep.operationType}" with fullDocument`);
    check(del.operationType === 'delete' && del.documentKey?._id === 'c1', 'delete event with documentKey');
    console.log('    event shapes:');
    for (const e of events) console.log(`      ${shape(e)}`);
    const missing = ['ns', 'updateDescription', 'wallTime', 'clusterTime'].filter((k) => !(k in upd));
    console.log(`    fields absent from the update event: ${missing.join(', ') || 'none'}`);

    // Resume: close after the update, write more, reopen with resumeAfter the update's token.
    const token = upd._id;
    await close();
    await customers.insertOne({ _id: 'c4', name: 'Dee', tier: 'silver' });
    const resumed = await openStream(customers, [], { resumeAfter: token });
    await until('resumed events', () => resumed.events.length >= 3);
    await sleep(200);
    const ops = resumed.events.map((e) => `${e.operationType}:${e.fullDocument?._id ?? e.documentKey?._id}`);
    check(ops.join() === 'update:c2,delete:c1,insert:c4' || ops.join() === 'replace:c2,delete:c1,insert:c4',
      `resumeAfter replays the events after the token (${ops.join(' ')})`);
    await resumed.close();

    // A pipeline filter, as the ingester may use.
    const filtered = await openStream(customers, [{ $match: { operationType: { $in: ['insert', 'delete'] } } }]);
    await customers.updateOne({ _id: 'c4' }, { $set: { tier: 'gold' } });
    await customers.insertOne({ _id: 'c5', name: 'Eve' });
    await customers.deleteOne({ _id: 'c5' });
    await until('filtered events', () => filtered.events.length >= 2);
    await sleep(200);
    const got = filtered.events.map((e) => `${e.operationType}:${e.documentKey?._id}`);
    check(got.join() === 'insert:c5,delete:c5', `$match pipeline filter (${got.join(' ')})`);
    await filtered.close();
  } finally {
    await db.dropDatabase().catch(() => {});
    await client.close();
  }
}

try {
  const started = Date.now();
  if (wanted.includes('kafka')) await smokeKafka();
  if (wanted.includes('mongo')) await smokeMongo();
  console.log(`smoke: all checks passed (${Date.now() - started} ms)`);
  clearTimeout(hardTimeout);
} catch (error) {
  console.error(`smoke: FAILED: ${error?.stack ?? error}`);
  process.exit(1);
}
