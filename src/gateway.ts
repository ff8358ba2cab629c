import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { ActivityBus } from './activity/bus';
import { Admission } from './admission/admission';
import { createActivityBus } from './activity/kafka.bus';
import { Authenticator } from './auth/authenticate';
import type { Config } from './config';
import type { Context, ContextDeps } from './context';
import { ensureRollups } from './ingest/rollup/rebuild';
import { IngestSink } from './ingest/sink';
import { graphqlValidationRules } from './limits/document';
import { CredentialRateLimiter } from './limits/rateLimit';
import { TrustedDocuments } from './limits/trustedDocuments';
import { ProfileFeed } from './live/profile.feed';
import { SharedSubscriptions } from './live/shared.subscriptions';
import { KafkaFanout } from './live/kafka.fanout';
import { LoaderFactory } from './loaders';
import type { Logger } from './logger';
import { observeGateway } from './observability/metrics';
import { clickhouseReachable, migrationsApplied, Readiness, type ReadinessCheck } from './observability/readiness';
import { CustomerErasure } from './privacy/erasure';
import { buildGatewaySchema } from './schema/build';
import { SegmentChangeBus } from './segments/bus';
import { loadSegmentsFile, type SegmentDefinition } from './segments/definitions';
import { SegmentEngine } from './segments/engine';
import type { SegmentChange } from './segments/evaluate';
import { createClickHouseStore, type ClickHouseStore } from './store/clickhouse';
import { applyMigrations, MIGRATIONS_DIR, withSchemaLock } from './store/migrations';
import { mountConsole } from './transport/console';
import { createHttpTransport } from './transport/http';
import { createWsTransport } from './transport/ws';

export interface Gateway {
  config: Config;
  store: ClickHouseStore;
  bus: ActivityBus;
  sink: IngestSink;
  /** Keeps segment membership current from the sink's commits, the clock and the definitions. */
  segments: SegmentEngine;
  /** Resolves once the stored membership matches the definitions the gateway started with (a recompute may run). */
  segmentsReady: Promise<void>;
  /** Erasures (docs/privacy.md). */
  erasure: CustomerErasure;
  /** The live profiles' source: the customers each commit touched. */
  profiles: ProfileFeed;
  /** customerProfile subscriptions, each distinct one executed once for all the clients that hold it. */
  liveProfiles: SharedSubscriptions;
  httpServer: Server;
  /** What /readyz checks; ingesters add theirs with `readiness.add(check)`. */
  readiness: Readiness;
  /** http://host:port (the port is the real one when PORT=0). */
  url: string;
  /** Stops accepting work and lets requests in flight finish (up to SHUTDOWN_GRACE_MS); subscribers get a normal close. */
  drain(): Promise<void>;
  /** Drains, then flushes the sink (giving up a failing batch after the grace period), closes ClickHouse. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** Registers routes besides /graphql and the console (health checks…); they take precedence over the console's. */
  routes?: (app: express.Express, gateway: Omit<Gateway, 'close' | 'drain' | 'url' | 'readiness' | 'segments' | 'segmentsReady'>) => void;
  /** Conditions /readyz requires besides ClickHouse and migrations (more can be added later through `readiness`). */
  readinessChecks?: ReadinessCheck[];
  /** Epoch ms now for the segments' relative times ("90 days ago"). Default Date.now; tests move it. */
  clock?: () => number;
  /** The built console to serve; default dist/console (CONSOLE_DIR). */
  consoleDir?: string;
}

/** The composition root: ClickHouse → sink and loaders → schema → HTTP and WebSocket transports. */
export async function startGateway(config: Config, logger: Logger, options: GatewayOptions = {}): Promise<Gateway> {
  // A segments file that does not check stops the start before anything else happens.
  const definitions: SegmentDefinition[] = config.segments.file ? await loadSegmentsFile(config.segments.file) : [];
  const store = await createClickHouseStore(config.clickhouse, { queryTimeoutMs: config.queryLimits.timeoutMs });
  const bus = await createActivityBus(config, logger.child({ component: 'activity' }));
  const sink = new IngestSink(store, bus, config.sink, logger.child({ component: 'sink' }));
  const erasure = new CustomerErasure(store, sink, logger.child({ component: 'privacy' }), {
    deadlineMs: config.privacy.erasureDeadlineMs,
    // The reply must leave the request time to be sent.
    replyWithinMs: Math.floor(config.queryLimits.timeoutMs / 2),
  });
  // Under the schema lock, so that of several gateways starting together one migrates (and rebuilds the
  // rollups when their definition changed) while the others wait, then find nothing left to do.
  const applied = await withSchemaLock(
    store,
    async (guard) => {
      const newlyApplied = await applyMigrations(store, MIGRATIONS_DIR, guard);
      await sink.resumeVersions();
      // Before the sink takes any write: an erased customer's records are dropped from the first batch on.
      await erasure.loadTombstones();
      // Before the sink takes any write: a rebuild must not race the writes it would miss.
      await ensureRollups(store, sink.nextVersion(), logger.child({ component: 'rollups' }));
      return newlyApplied;
    },
    { lockWaitMs: config.migrations.lockWaitMs, logger },
  );
  logger.info({ mode: store.mode, cluster: store.cluster?.settings.topology, applied }, 'ClickHouse ready');

  const segmentChanges = new SegmentChangeBus();
  // With ACTIVITY_FANOUT=kafka, the changes this replica finds reach every replica's subscribers.
  const fanout =
    config.activity.fanout === 'kafka' && config.kafka
      ? new KafkaFanout<SegmentChange>(
          config.kafka,
          { topic: config.kafka.topics.segmentChanges, name: 'segment changes', deliver: (changes) => segmentChanges.publish(changes) },
          logger.child({ component: 'segments' }),
        )
      : null;
  await fanout?.start();
  const publisher = {
    publish: (changes: SegmentChange[]) => {
      segmentChanges.publish(changes);
      fanout?.publish(changes);
    },
    subscriberCount: () => segmentChanges.subscriberCount(),
  };
  const segments = new SegmentEngine(store, publisher, definitions, logger.child({ component: 'segments' }), {
    recheckMs: config.segments.recheckMs,
    ...(options.clock ? { clock: options.clock } : {}),
    nextVersion: () => sink.nextVersion(),
  });
  sink.onCommit(({ customers }) => segments.touched(customers));
  erasure.onRemove((customerId, remove) => segments.erase(customerId, remove));
  const segmentsReady = segments.start();
  segmentsReady.catch((err: unknown) => logger.error({ err }, 'segment membership could not be recomputed; it is tried again at the next start or SIGHUP'));
  logger.info({ file: config.segments.file, segments: definitions.map((d) => d.name) }, 'segments loaded');

  const loaders = new LoaderFactory(store, config.loaders);
  const profiles = new ProfileFeed(loaders);
  const stopProfiles = sink.onCommit(({ customers }) => profiles.committed(customers));
  const stopErasedProfiles = erasure.onErased((customerId) => profiles.erased(customerId));
  const deps: ContextDeps = {
    loaders,
    bus,
    limits: config.limits,
    segments: {
      list: () => segments.list(),
      get: (name) => segments.get(name),
      subscribe: (filter) => segmentChanges.subscribe(filter),
    },
    profiles,
    erasure,
  };
  // Erasures a stopped process left incomplete are finished in the background, by the hash of the id.
  const resumingErasures = erasure.resumePending().catch((err: unknown) => logger.error({ err }, 'finishing incomplete erasures failed'));
  // Clients of the same live profile with the same role share its execution.
  const liveProfiles = new SharedSubscriptions(new Set(['customerProfile']), ({ contextValue }) => (contextValue as Context).principal.role);
  const unobserve = observeGateway({ store, sink, bus, loaders, profiles: { subscriberCount: () => liveProfiles.consumers() } });
  const readiness = new Readiness(
    [clickhouseReachable(store), migrationsApplied(store), ...(options.readinessChecks ?? [])],
    config.operations.readyCheckTimeoutMs,
  );
  const authenticator = new Authenticator(config.auth);
  const schema = await buildGatewaySchema(bus);
  const trustedDocuments = TrustedDocuments.load(schema, {
    ...config.trustedDocuments,
    maxTokens: config.queryLimits.maxTokens,
    rules: graphqlValidationRules(config.graphql),
  });
  logger.info({ mode: trustedDocuments.mode, documents: trustedDocuments.size }, 'trusted documents loaded');
  // One admission for both transports: who may call, at what rate, with which documents.
  const admission = new Admission({
    schema,
    authenticator,
    rateLimiter: new CredentialRateLimiter(config.rateLimit),
    documents: { ...config.queryLimits, argumentBounds: config.limits, introspection: config.graphql.introspection },
    trustedDocuments,
    caps: { connections: config.webSocket.maxConnectionsPerCredential, operations: config.webSocket.maxOperationsPerCredential },
  });
  const httpServer = createServer();
  const ws = createWsTransport({ schema, httpServer, deps, logger, config, admission, shared: liveProfiles });
  const { app, apollo } = await createHttpTransport({
    schema,
    httpServer,
    deps,
    logger,
    config,
    admission,
    readiness,
    onDrain: () => ws.close(),
    routes: (a) => {
      options.routes?.(a, { config, store, bus, sink, erasure, profiles, liveProfiles, httpServer });
      mountConsole(a, { logger, graphiql: config.graphql.graphiql, ...(options.consoleDir ? { dir: options.consoleDir } : {}) });
    },
  });
  httpServer.on('request', app);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.http.port, config.http.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  const url = `http://${host}:${port}`;
  logger.info({ url: `${url}/graphql` }, 'customer360 gateway listening');
  if (!authenticator.required) {
    logger.warn(
      { host: config.http.host },
      'AUTHENTICATION IS OFF: every caller is an anonymous "support" user. Allowed only on a loopback address; set AUTH_API_KEYS or AUTH_JWT_SECRET/AUTH_JWKS_URL before exposing the gateway.',
    );
  }

  let draining: Promise<void> | null = null;
  let closing: Promise<void> | null = null;
  const drain = () => {
    draining ??= (async () => {
      readiness.markShuttingDown();
      // Subscribers get a normal close (1001, going away) and reconnect to another replica.
      await ws.close();
      // No new connections; requests in flight complete (up to SHUTDOWN_GRACE_MS).
      await apollo.stop();
    })();
    return draining;
  };
  return {
    config,
    store,
    bus,
    sink,
    segments,
    segmentsReady,
    erasure,
    profiles,
    liveProfiles,
    httpServer,
    readiness,
    url,
    drain,
    // The order matters: refuse new work, let the work in flight finish, then write what is buffered,
    // and only then close the clients it needs.
    close() {
      closing ??= (async () => {
        await drain();
        await sink.close(config.operations.shutdownGraceMs);
        await segments.stop();
        await fanout?.close();
        stopProfiles();
        stopErasedProfiles();
        // An erasure still being forced onto disk stays incomplete in `erasures`; the next start finishes it.
        await erasure.close();
        await resumingErasures;
        await bus.close?.();
        unobserve();
        await store.close();
        logger.info('customer360 gateway stopped');
      })();
      return closing;
    },
  };
}
