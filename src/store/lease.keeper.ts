import type { Logger } from '../logger';
import type { Lease, LeaseHolder } from './lease';

/** The work a lease guards, started when this process gains the lease and stopped when it loses it. */
export interface LeaseKeeperHooks {
  /** This process now holds the lease: start the work. A rejection gives the lease up again. */
  acquired(): Promise<void>;
  /** This process no longer holds the lease (lost, expired, or stopping): stop the work before resolving. */
  released(): Promise<void>;
}

export interface LeaseKeeperOptions {
  /** Pause between rounds: renewals while holding, attempts to take over while not. */
  roundMs: number;
  /** After the work failed to start, how long to leave the lease to other processes. Default: three rounds. */
  backOffMs?: number;
  logger: Logger;
}

export interface LeaseKeeperStatus {
  holding: boolean;
  /** The holder of the lease's latest term as last read, this process or another. */
  holder: string | null;
  term: number | null;
}

type LeaseLike = Pick<Lease, 'name' | 'owner' | 'attempt' | 'release' | 'held' | 'remainingMs'>;

/**
 * Keeps trying for a lease and runs the guarded work exactly while holding it: one process of several runs it,
 * and another takes over when that one stops renewing (it crashed, hung, or lost ClickHouse). The work stops at
 * the local deadline of the last confirmed renewal, also when ClickHouse cannot be reached to learn more.
 */
export class LeaseKeeper {
  private holding = false;
  private stopped = false;
  private holder: LeaseHolder | null = null;
  private roundTimer: NodeJS.Timeout | null = null;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private round: Promise<void> = Promise.resolve();
  /** Gains and losses, one at a time and in order. */
  private transitions: Promise<void> = Promise.resolve();
  private pausedUntil = 0;

  constructor(
    private readonly lease: LeaseLike,
    private readonly hooks: LeaseKeeperHooks,
    private readonly options: LeaseKeeperOptions,
  ) {}

  /**
   * Runs the first round and then keeps going. Resolves once the first round is over: with the work started if
   * this process won the lease, or as a standby; rejects if the work failed to start (the lease is given back).
   */
  async start(): Promise<void> {
    let failure: unknown = null;
    await this.runRound((error) => (failure = error));
    if (failure) {
      this.stopped = true;
      throw failure;
    }
    this.schedule();
  }

  get status(): LeaseKeeperStatus {
    return { holding: this.holding, holder: this.holder?.owner ?? null, term: this.holder?.term ?? null };
  }

  /** Stops trying; if holding, stops the work and releases the lease, so another process takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.roundTimer) clearTimeout(this.roundTimer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    await this.round;
    const wasHolding = this.holding;
    await this.change(false, 'stopping');
    if (wasHolding) {
      await this.lease.release().catch((err: unknown) => this.options.logger.warn({ err, lease: this.lease.name }, 'releasing the lease failed; it expires by itself'));
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.roundTimer = setTimeout(() => {
      void this.runRound(null).then(() => this.schedule());
    }, this.options.roundMs);
  }

  private runRound(onStartFailure: ((error: unknown) => void) | null): Promise<void> {
    this.round = (async () => {
      if (!this.holding && performance.now() < this.pausedUntil) return;
      try {
        const attempt = await this.lease.attempt();
        this.holder = attempt.holder;
      } catch (err) {
        this.options.logger.warn({ err, lease: this.lease.name }, 'lease round failed; trying again next round');
      }
      if (this.lease.held) {
        await this.change(true, 'acquired', onStartFailure);
        this.armDeadline();
      } else if (this.holding) {
        await this.change(false, this.holder && this.holder.owner !== this.lease.owner ? `taken over by ${this.holder.owner}` : 'not renewed in time');
      }
    })();
    return this.round;
  }

  /** Stops the work when the last confirmed renewal runs out, even if a round is stuck waiting for ClickHouse. */
  private armDeadline(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    if (!this.holding) return;
    this.deadlineTimer = setTimeout(() => {
      if (this.holding && !this.lease.held) void this.change(false, 'not renewed in time');
    }, Math.max(0, this.lease.remainingMs) + 1);
  }

  private change(hold: boolean, why: string, onStartFailure: ((error: unknown) => void) | null = null): Promise<void> {
    this.transitions = this.transitions.then(async () => {
      const log = this.options.logger;
      const context = { lease: this.lease.name, owner: this.lease.owner, term: this.holder?.term };
      if (this.holding === hold || (hold && this.stopped)) return;
      this.holding = hold;
      if (!hold) {
        if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
        log[why === 'stopping' ? 'info' : 'warn'](context, `lease given up (${why}); stopping the work it guards`);
        await this.hooks.released().catch((err: unknown) => log.error({ err, ...context }, 'stopping the leased work failed'));
        return;
      }
      log.info(context, 'lease acquired; starting the work it guards');
      try {
        await this.hooks.acquired();
      } catch (error) {
        log.error({ err: error, ...context }, 'the leased work failed to start; giving the lease to another process');
        this.holding = false;
        this.pausedUntil = performance.now() + (this.options.backOffMs ?? 3 * this.options.roundMs);
        await this.hooks.released().catch(() => undefined);
        await this.lease.release().catch(() => undefined);
        onStartFailure?.(error);
      }
    });
    return this.transitions;
  }
}
