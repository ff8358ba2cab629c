import type { ActivityBus } from './activity/bus';
import type { Config } from './config';
import { createLoaders, type Loaders } from './loaders';
import type { ClickHouseStore } from './store/clickhouse';

/** Per-request state: fresh loaders for each HTTP request and each subscription. */
export interface Context {
  requestId: string;
  loaders: Loaders;
  limits: Config['limits'];
  bus: ActivityBus;
}

export interface ContextDeps {
  store: ClickHouseStore;
  bus: ActivityBus;
  limits: Config['limits'];
}

export function createContext(deps: ContextDeps, requestId: string): Context {
  return { requestId, loaders: createLoaders(deps.store), limits: deps.limits, bus: deps.bus };
}
