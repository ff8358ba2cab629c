import type { ClickHouseStore } from '../store/clickhouse';
import { pendingMigrations } from '../store/migrations';

/**
 * One condition /readyz requires. The gateway brings ClickHouse and migrations; each ingester adds
 * its own (connected, and caught up within READY_MAX_LAG_SECONDS) through `Readiness.add`.
 */
export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: unknown }>;
}

export interface ReadinessReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: unknown }>;
}

export class Readiness {
  private readonly checks: ReadinessCheck[];
  private shuttingDown = false;

  constructor(
    checks: readonly ReadinessCheck[],
    private readonly timeoutMs: number,
  ) {
    this.checks = [...checks];
  }

  /** Adds a check (an ingester once it starts); returns its removal. */
  add(check: ReadinessCheck): () => void {
    this.checks.push(check);
    return () => {
      const i = this.checks.indexOf(check);
      if (i >= 0) this.checks.splice(i, 1);
    };
  }

  /** From now on /readyz answers 503, so load balancers stop sending work before the drain. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  /** Runs every check at once, each bounded by the timeout; a check that throws or times out is not ready. */
  async evaluate(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async (c) => [c.name, await this.run(c)] as const),
    );
    const checks = Object.fromEntries(results);
    if (this.shuttingDown) checks['shutdown'] = { ok: false, detail: 'the gateway is shutting down' };
    return { ok: Object.values(checks).every((r) => r.ok), checks };
  }

  private async run(c: ReadinessCheck): Promise<{ ok: boolean; detail?: unknown }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ ok: boolean; detail: string }>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
    });
    try {
      return await Promise.race([c.check(), timeout]);
    } catch (error) {
      return { ok: false, detail: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}

export function clickhouseReachable(store: ClickHouseStore): ReadinessCheck {
  return {
    name: 'clickhouse',
    async check() {
      return { ok: await store.ping() };
    },
  };
}

export function migrationsApplied(store: ClickHouseStore): ReadinessCheck {
  return {
    name: 'migrations',
    async check() {
      const pending = await pendingMigrations(store);
      return pending.length === 0 ? { ok: true } : { ok: false, detail: { pending } };
    },
  };
}

/** A ready-made check for an ingester: connected, and no further behind than `maxLagSeconds`. */
export function caughtUp(
  name: string,
  /** `lagSeconds` null or absent: not known yet, which does not hold readiness back. */
  state: () => { connected: boolean; lagSeconds?: number | null },
  maxLagSeconds: number,
): ReadinessCheck {
  return {
    name,
    async check() {
      const { connected, lagSeconds = null } = state();
      const ok = connected && (lagSeconds === null || lagSeconds <= maxLagSeconds);
      return { ok, detail: { connected, lagSeconds, maxLagSeconds } };
    },
  };
}
