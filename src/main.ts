import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { startGateway } from './gateway';
import { loadDemo, startTrickle } from './ingest/demo/demo';
import { startIngesters, type Ingesters } from './ingest';
import { createLogger } from './logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const gateway = await startGateway(config, logger);

  let trickle: { stop(): void } | null = null;
  if (config.demo.enabled) {
    await loadDemo(gateway.sink, gateway.store, config.demo, logger.child({ component: 'demo' }));
    trickle = startTrickle(gateway.sink, config.demo, logger.child({ component: 'demo' }));
    logger.info({ graphql: `${gateway.url}/graphql` }, 'demo ready: try query { searchCustomers(query: "C0000001") { id firstName } }');
  }

  let ingesters: Ingesters | null = null;
  if (config.ingest.enabled && (config.mongo || config.kafka)) {
    ingesters = await startIngesters(config, gateway, logger);
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Load balancers see /readyz fail at once, while the sources stop and the requests drain.
    gateway.readiness.markShuttingDown();
    // A shutdown that hangs still ends, with a line saying so, before an orchestrator's SIGKILL would.
    setTimeout(() => {
      logger.error({ signal }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.operations.shutdownGraceMs + 15_000).unref();
    trickle?.stop();
    // Ingesters first: their last batches (and offsets, resume tokens) go through the still-open sink.
    Promise.resolve(ingesters?.stop())
      .then(() => gateway.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
