import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logger';
import { LEASES_DDL } from './bootstrap';
import type { ClickHouseStore } from './clickhouse';

/**
 * A lease stored in ClickHouse: at most one process holds a named lease at a time, for a term that it renews,
 * and another process takes over once the holder stops renewing. It serves the schema lock (migrations) and the
 * MongoDB feed, which must run on exactly one gateway replica.
 *
 * ClickHouse has no compare-and-set, but it deduplicates inserts: a claim of term N is inserted with the
 * deduplication token `<name>/<N>`, so when two processes claim the same term only the first insert lands, and
 * both read back who got it. A replicated table deduplicates through Keeper, a single server through the
 * table's deduplication window (the `leases` table sets one; src/store/bootstrap.ts). Every time is the
 * server's clock, so the gateways' clocks do not matter:
 * - a holder renews only while the server's clock is before its expiry (the insert itself checks), and acts
 *   only until a local deadline that falls before that expiry;
 * - another process claims the next term only once the expiry is `graceMs` past, or the holder released it.
 * What this cannot stop is a holder that freezes longer than the grace between a check and its writes; the
 * writes are idempotent (docs/scaling.md says what such an overlap can cost).
 */
export interface LeaseOptions {
  /** How long a claim or renewal holds without the next renewal. */
  ttlMs: number;
  /** How long after an expiry another process waits before it claims. Default: a third of the TTL. */
  graceMs?: number;
}

/** The holder of a lease's latest term, in the server's milliseconds. */
export interface LeaseHolder {
  term: number;
  owner: string;
  claimedAt: number;
  expiresAt: number;
  released: boolean;
}

export interface LeaseAttempt {
  held: boolean;
  /** The holder after the attempt (this process or another), null when there is none. */
  holder: LeaseHolder | null;
}

/** Who this process is to the other contenders: readable in logs and in the `leases` table. */
export const processOwner = (): string => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export class Lease {
  /** Local (performance.now) time until which this process may act as the holder. */
  private validUntil = -Infinity;
  private term = 0;
  private readonly graceMs: number;
  private ready: Promise<void> | null = null;

  constructor(
    private readonly store: ClickHouseStore,
    readonly name: string,
    readonly owner: string,
    private readonly options: LeaseOptions,
  ) {
    this.graceMs = options.graceMs ?? Math.ceil(options.ttlMs / 3);
  }

  /** Whether this process holds the lease now, as of its last confirmed claim or renewal. */
  get held(): boolean {
    return performance.now() < this.validUntil;
  }

  /** Milliseconds until this process must stop acting as the holder (≤ 0 once it must). */
  get remainingMs(): number {
    return this.validUntil - performance.now();
  }

  /** The holder of the latest term, and the server's time. */
  async read(): Promise<{ holder: LeaseHolder | null; now: number }> {
    await this.ensureTable();
    const rows = await this.store.query<{ term: number; owner: string; claimed: number; expires: number; released: number; now: number }>(
      'lease',
      `SELECT term, owner, toUnixTimestamp64Milli(claimed_at) AS claimed, toUnixTimestamp64Milli(expires_at) AS expires, released,
              toUnixTimestamp64Milli(now64(3)) AS now
       FROM leases FINAL
       WHERE name = {name:String} AND term = (SELECT max(term) FROM leases WHERE name = {name:String})
       ORDER BY claimed_at, owner
       LIMIT 1`,
      { name: this.name },
    );
    const r = rows[0];
    if (!r) return { holder: null, now: Number.NaN };
    return {
      holder: { term: Number(r.term), owner: r.owner, claimedAt: Number(r.claimed), expiresAt: Number(r.expires), released: r.released === 1 },
      now: Number(r.now),
    };
  }

  /** One round: renews the lease if this process holds it, claims the next term if it is free. */
  async attempt(): Promise<LeaseAttempt> {
    const { holder, now } = await this.read();
    const mine = holder !== null && holder.owner === this.owner && holder.term === this.term && !holder.released;
    if (mine && holder.expiresAt > now) return this.renew(holder);
    if (holder === null || holder.released || now > holder.expiresAt + this.graceMs) return this.claim((holder?.term ?? 0) + 1);
    this.validUntil = -Infinity;
    return { held: false, holder };
  }

  /**
   * Claims `term` (the one after the latest, read as free). Of several processes claiming the same term, only
   * the first insert lands: the others are dropped as duplicates of its token, and they read back its holder.
   */
  async claim(term: number): Promise<LeaseAttempt> {
    await this.store.command(
      'lease',
      `INSERT INTO leases (name, term, owner, claimed_at, expires_at, released, at)
       SELECT {name:String}, {term:UInt64}, {owner:String}, now64(3), now64(3) + toIntervalMillisecond({ttl:UInt32}), 0, now64(3)`,
      { name: this.name, term, owner: this.owner, ttl: this.options.ttlMs },
      { insert_deduplication_token: `${this.name}/${term}`, insert_deduplicate: 1 },
    );
    return this.confirm(term);
  }

  /** Extends the holder's term, but only while the server's clock is still before its expiry. */
  private async renew(holder: LeaseHolder): Promise<LeaseAttempt> {
    await this.store.command(
      'lease',
      `INSERT INTO leases (name, term, owner, claimed_at, expires_at, released, at)
       SELECT {name:String}, {term:UInt64}, {owner:String}, fromUnixTimestamp64Milli({claimed:Int64}, 'UTC'),
              now64(3) + toIntervalMillisecond({ttl:UInt32}), 0, now64(3)
       WHERE now64(3) < fromUnixTimestamp64Milli({expires:Int64}, 'UTC')`,
      { name: this.name, term: holder.term, owner: this.owner, claimed: holder.claimedAt, expires: holder.expiresAt, ttl: this.options.ttlMs },
      this.uniqueToken(),
    );
    return this.confirm(holder.term);
  }

  /** Gives the lease up at once, so another process need not wait for it to expire. Stop acting first. */
  async release(): Promise<void> {
    if (this.term === 0) return;
    const term = this.term;
    this.validUntil = -Infinity;
    this.term = 0;
    await this.store.command(
      'lease',
      `INSERT INTO leases (name, term, owner, claimed_at, expires_at, released, at)
       SELECT {name:String}, {term:UInt64}, {owner:String}, claimed_at, now64(3), 1, now64(3)
       FROM leases FINAL WHERE name = {name:String} AND term = {term:UInt64} AND owner = {owner:String}`,
      { name: this.name, term, owner: this.owner },
      this.uniqueToken(),
    );
  }

  /**
   * Renewals and releases are never duplicates of anything. Their token says so explicitly, which also matters
   * on the embedded engine: its connection sets a query's settings on the session, where they outlive the query.
   */
  private uniqueToken(): { insert_deduplication_token: string } {
    return { insert_deduplication_token: `${this.name}/${randomUUID()}` };
  }

  /** Reads back who holds `term`; this process holds the lease if it is the one. */
  private async confirm(term: number): Promise<LeaseAttempt> {
    const before = performance.now();
    const { holder, now } = await this.read();
    const held = holder !== null && holder.term === term && holder.owner === this.owner && !holder.released && holder.expiresAt > now;
    if (held) {
      this.term = term;
      // The server's clock read `now` after `before`, so it reaches the expiry no earlier than this.
      this.validUntil = before + (holder.expiresAt - now);
    } else {
      this.validUntil = -Infinity;
    }
    return { held, holder };
  }

  private ensureTable(): Promise<void> {
    this.ready ??= this.store.command('leases', LEASES_DDL).catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }
}

export class LeaseTimeoutError extends Error {
  override name = 'LeaseTimeoutError';
}

export interface WithLeaseOptions {
  /** How long to wait for another holder. */
  waitMs: number;
  /** Pause between attempts while another process holds it. Default: 500 ms. */
  pollMs?: number;
  logger?: Logger;
}

/** What the work done under a lease can check: whether it still holds it. */
export interface LeaseGuard {
  /** Throws if this process can no longer be sure it holds the lease. */
  assertHeld(): void;
}

/**
 * Runs `work` while holding `lease` (a lock): waits up to `waitMs` for it, renews it every third of its TTL
 * while the work runs, and releases it afterwards, also when the work fails.
 */
export async function withLease<T>(lease: Pick<Lease, 'name' | 'attempt' | 'release' | 'held' | 'remainingMs'>, work: (guard: LeaseGuard) => Promise<T>, options: WithLeaseOptions): Promise<T> {
  const started = performance.now();
  const pollMs = options.pollMs ?? 500;
  let waitingLogged = false;
  for (;;) {
    const attempt = await lease.attempt();
    if (attempt.held) break;
    if (performance.now() - started >= options.waitMs) {
      throw new LeaseTimeoutError(
        `Lease ${lease.name}: ${attempt.holder?.owner ?? 'another process'} has held it for more than ${options.waitMs} ms (term ${attempt.holder?.term}); ` +
          `if that process is gone, the lease expires by itself`,
      );
    }
    if (!waitingLogged) {
      options.logger?.info({ lease: lease.name, holder: attempt.holder?.owner }, 'waiting for another process to release the lease');
      waitingLogged = true;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }

  let renewalError: unknown = null;
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(() =>
      lease.attempt().then(
        (a) => {
          if (!a.held) renewalError = new Error(`Lease ${lease.name} was lost to ${a.holder?.owner ?? 'nobody'}`);
        },
        (error: unknown) => options.logger?.warn({ err: error, lease: lease.name }, 'renewing the lease failed; retrying'),
      ),
    );
  }, Math.max(100, Math.floor(lease.remainingMs / 3)));
  const guard: LeaseGuard = {
    assertHeld() {
      if (renewalError) throw renewalError;
      if (!lease.held) throw new Error(`Lease ${lease.name} expired before it could be renewed`);
    },
  };
  try {
    return await work(guard);
  } finally {
    clearInterval(timer);
    await renewing;
    await lease.release();
  }
}
