import './production';
import 'reflect-metadata';
import { ConfigError, loadConfig, loadEnvFile } from './config';
import { startGateway } from './gateway';
import { loadDemo, startTrickle } from './ingest/demo/demo';
import { startIngesters, type Ingesters } from './ingest';
import { createLogger } from './logger';
import { reloadSegmentsFile } from './segments/definitions';

/** What a shutdown may take beyond SHUTDOWN_GRACE_MS: leaving the Kafka group, closing the engine. */
const SHUTDOWN_SLACK_MS = 5_000;

async function main(): Promise<void> {
  loadEnvFile();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const gateway = await startGateway(config, logger);

  let trickle: { stop(): void } | null = null;
  let ingesters: Ingesters | null = null;
  // What is starting (the demo load can take minutes at scale) is awaited by a shutdown before the sink closes.
  let starting: Promise<unknown> = Promise.resolve();
  const demoLoad = new AbortController();

  // Signals are handled from the moment the gateway listens: a SIGTERM during the demo load or while the
  // ingesters start still stops everything in order and loses nothing already accepted.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Load balancers see /readyz fail at once, while the sources stop and the requests drain.
    gateway.readiness.markShuttingDown();
    // A sink that cannot write gives up within the grace period, so the sources waiting on it can stop:
    // what it gives up is not acknowledged and is delivered again after a restart.
    gateway.sink.giveUpAfter(config.operations.shutdownGraceMs);
    // A shutdown that hangs still ends, with a line saying so, before an orchestrator's SIGKILL would.
    setTimeout(() => {
      logger.error({ signal }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.operations.shutdownGraceMs + SHUTDOWN_SLACK_MS).unref();
    demoLoad.abort();
    // Requests drain while the sources stop: both within the grace period, not one after the other.
    const drained = gateway.drain();
    starting
      .catch(() => undefined)
      .then(() => {
        trickle?.stop();
        // Ingesters first: their last batches (and offsets, resume tokens) go through the still-open sink.
        return ingesters?.stop();
      })
      .then(() => drained)
      .then(() => gateway.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // SIGHUP reads the segments file again; the segments whose condition changed are recomputed.
  process.on('SIGHUP', () => {
    const file = config.segments.file;
    if (!file || stopping) return void logger.warn({ file }, 'SIGHUP: no segments file to reload');
    reloadSegmentsFile(file, (definitions) => gateway.segments.reload(definitions), logger).catch((err: unknown) =>
      logger.error({ err }, 'segments reload failed; the segments in force stay'),
    );
  });

  starting = (async () => {
    if (config.demo.enabled) {
      const demoLogger = logger.child({ component: 'demo' });
      await loadDemo(gateway.sink, gateway.store, config.demo, demoLogger, Date.now(), demoLoad.signal);
      if (stopping) return;
      trickle = startTrickle(gateway.sink, config.demo, demoLogger);
      logger.info({ graphql: `${gateway.url}/graphql` }, 'demo ready: try query { searchCustomers(query: "C0000001") { id firstName } }');
    }
    if (!stopping && config.ingest.enabled && (config.mongo || config.kafka)) {
      ingesters = await startIngesters(config, gateway, logger);
    }
  })();
  await starting;
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
