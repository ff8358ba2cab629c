import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSec: number };

/**
 * Requests per credential per fixed window, counted in this process (rate-limiter-flexible's
 * memory limiter): each HTTP request and each WebSocket subscribe takes one point. With several
 * replicas each counts its own share; a shared limiter (its Redis store) would count them together.
 */
export class CredentialRateLimiter {
  private readonly limiter: RateLimiterMemory | null;

  constructor(config: Config['rateLimit']) {
    this.limiter = config.requests > 0 ? new RateLimiterMemory({ points: config.requests, duration: config.windowSec }) : null;
  }

  async take(credentialId: string): Promise<RateDecision> {
    if (!this.limiter) return { allowed: true };
    try {
      await this.limiter.consume(credentialId);
      return { allowed: true };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
  }
}
