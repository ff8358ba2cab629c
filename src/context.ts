import type { ActivityBus } from './activity/bus';
import type { Config } from './config';
import type { LoaderFactory, Loaders } from './loaders';

/** Per-request state: fresh loaders for each HTTP request and each subscription. */
export interface Context {
  requestId: string;
  loaders: Loaders;
  limits: Config['limits'];
  bus: ActivityBus;
}

export interface ContextDeps {
  loaders: LoaderFactory;
  bus: ActivityBus;
  limits: Config['limits'];
}

export function createContext(deps: ContextDeps, requestId: string): Context {
  return { requestId, loaders: deps.loaders.create(), limits: deps.limits, bus: deps.bus };
}
