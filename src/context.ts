import type { ActivityBus } from './activity/bus';
import type { Principal } from './auth/credentials';
import type { Config } from './config';
import type { ProfileFeed } from './live/profile.feed';
import type { LoaderFactory, Loaders } from './loaders';
import type { SegmentsAccess } from './segments/access';
import type { CustomerErasure } from './privacy/erasure';

/** Per-request state: fresh loaders for each HTTP request and each subscription. */
export interface Context {
  requestId: string;
  /** Who is asking: `@Authorized` fields check its role. */
  principal: Principal;
  /** Replaced for each push of a `customerProfile` subscription by the loaders of the commit it follows. */
  loaders: Loaders;
  limits: Config['limits'];
  bus: ActivityBus;
  /** Aborts when nobody waits for the answer any more (a timeout, a client gone): its ClickHouse work stops. */
  signal?: AbortSignal;
  segments: SegmentsAccess;
  profiles: ProfileFeed;
  erasure: CustomerErasure;
}

export interface ContextDeps {
  loaders: LoaderFactory;
  bus: ActivityBus;
  limits: Config['limits'];
  segments: SegmentsAccess;
  profiles: ProfileFeed;
  erasure: CustomerErasure;
}

export function createContext(deps: ContextDeps, requestId: string, principal: Principal, signal?: AbortSignal): Context {
  return {
    requestId,
    principal,
    loaders: deps.loaders.create(signal),
    limits: deps.limits,
    bus: deps.bus,
    segments: deps.segments,
    profiles: deps.profiles,
    erasure: deps.erasure,
    ...(signal ? { signal } : {}),
  };
}
