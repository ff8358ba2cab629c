import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { InProcessActivityBus, type ActivityBus } from './activity/bus';
import type { Config } from './config';
import type { ContextDeps } from './context';
import { IngestSink } from './ingest/sink';
import { LoaderFactory } from './loaders';
import type { Logger } from './logger';
import { buildGatewaySchema } from './schema/build';
import { createClickHouseStore, type ClickHouseStore } from './store/clickhouse';
import { migrate } from './store/migrations';
import { createHttpTransport } from './transport/http';
import { createWsTransport } from './transport/ws';

export interface Gateway {
  config: Config;
  store: ClickHouseStore;
  bus: ActivityBus;
  sink: IngestSink;
  httpServer: Server;
  /** http://host:port (the port is the real one when PORT=0). */
  url: string;
  /** Stops accepting work, drains requests and subscriptions, flushes the sink, closes ClickHouse. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** Registers routes besides /graphql (the console, health checks). */
  routes?: (app: express.Express, gateway: Omit<Gateway, 'close' | 'url'>) => void;
}

/** The composition root: ClickHouse → sink and loaders → schema → HTTP and WebSocket transports. */
export async function startGateway(config: Config, logger: Logger, options: GatewayOptions = {}): Promise<Gateway> {
  const store = await createClickHouseStore(config.clickhouse);
  const applied = await migrate(store);
  logger.info({ mode: store.mode, applied }, 'ClickHouse ready');

  const bus = new InProcessActivityBus();
  const sink = new IngestSink(store, bus, config.sink, logger.child({ component: 'sink' }));
  const deps: ContextDeps = { loaders: new LoaderFactory(store, { mode: config.loaders.mode }), bus, limits: config.limits };
  const schema = await buildGatewaySchema(bus);
  const httpServer = createServer();
  const ws = createWsTransport({ schema, httpServer, deps, logger });
  const { app, apollo } = await createHttpTransport({
    schema,
    httpServer,
    deps,
    logger,
    onDrain: () => ws.close(),
    routes: (a) => options.routes?.(a, { config, store, bus, sink, httpServer }),
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

  let closing: Promise<void> | null = null;
  return {
    config,
    store,
    bus,
    sink,
    httpServer,
    url,
    close() {
      closing ??= (async () => {
        await apollo.stop();
        await sink.close();
        await store.close();
        logger.info('customer360 gateway stopped');
      })();
      return closing;
    },
  };
}
