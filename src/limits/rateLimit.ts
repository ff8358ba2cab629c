import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Role } from '../auth/roles';
import type { Config } from '../config';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSec: number };

/**
 * Requests per credential per fixed window, at the rate of the credential's role, counted in this
 * process (rate-limiter-flexible's memory limiter): each HTTP request and each WebSocket subscribe takes
 * one point. With several replicas each counts its own share; a shared limiter (its Redis store) would
 * count them together.
 */
export class CredentialRateLimiter {
  private readonly limiters: ReadonlyMap<Role, RateLimiterMemory>;

  constructor(config: Config['rateLimit']) {
    this.limiters = new Map(
      (Object.entries(config.perRole) as Array<[Role, number]>)
        .filter(([, points]) => points > 0)
        .map(([role, points]) => [role, new RateLimiterMemory({ points, duration: config.windowSec, keyPrefix: role })]),
    );
  }

  /** Takes one point from `credentialId` (a principal id, or `anonymous:<address>`), at `role`'s rate. */
  async take(credentialId: string, role: Role): Promise<RateDecision> {
    const limiter = this.limiters.get(role);
    if (!limiter) return { allowed: true };
    try {
      await limiter.consume(credentialId);
      return { allowed: true };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
  }
}
