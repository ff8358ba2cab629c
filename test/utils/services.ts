// Test helpers for the external services (Kafka, MongoDB).
//
// ensureServices() uses KAFKA_BROKERS / MONGO_URL when they are set (CI, docker-compose, a shared
// broker); otherwise it starts the local services with scripts/services.sh, which is idempotent and
// serialised by a lock, so parallel jest workers can all call it. The services stay up after the
// tests: `bash scripts/services.sh stop` ends them.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

export type ServiceName = 'kafka' | 'mongo';

export interface ServiceAddresses {
  /** host:port list for kafkajs `brokers` */
  kafkaBrokers?: string[];
  /** connection string for the mongodb driver */
  mongoUrl?: string;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SERVICES_SCRIPT = path.join(REPO_ROOT, 'scripts', 'services.sh');

/** Services this process has already made sure of (the script is only run once per service). */
const started = new Set<ServiceName>();

function envValue(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

function defaultKafkaBrokers(): string[] {
  return [`127.0.0.1:${envValue('KAFKA_PORT') ?? '19092'}`];
}

function defaultMongoUrl(): string {
  return `mongodb://127.0.0.1:${envValue('MONGO_PORT') ?? '27217'}`;
}

function startLocal(names: ServiceName[]): void {
  const missing = names.filter((name) => !started.has(name));
  if (missing.length === 0) return;
  try {
    execFileSync('bash', [SERVICES_SCRIPT, 'start', ...missing], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 10 * 60_000,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `could not start ${missing.join(' and ')} with 'bash scripts/services.sh start ${missing.join(' ')}' ` +
        `(its messages are above; logs are in data/services/<name>/): ${reason}`,
    );
  }
  for (const name of missing) started.add(name);
}

/**
 * Makes sure the named services are reachable and returns their addresses: the ones from
 * KAFKA_BROKERS (comma-separated) / MONGO_URL when set, else the local services, started if needed.
 */
export async function ensureServices(names: Array<'kafka' | 'mongo'>): Promise<ServiceAddresses> {
  const result: ServiceAddresses = {};
  const toStart: ServiceName[] = [];

  if (names.includes('kafka')) {
    const brokers = envValue('KAFKA_BROKERS');
    if (brokers) {
      result.kafkaBrokers = brokers
        .split(',')
        .map((broker) => broker.trim())
        .filter((broker) => broker.length > 0);
    } else {
      toStart.push('kafka');
      result.kafkaBrokers = defaultKafkaBrokers();
    }
  }
  if (names.includes('mongo')) {
    const url = envValue('MONGO_URL');
    if (url) {
      result.mongoUrl = url;
    } else {
      toStart.push('mongo');
      result.mongoUrl = defaultMongoUrl();
    }
  }

  startLocal(toStart);
  return result;
}

export interface WaitForOptions {
  /** give up after this long (default 10 000 ms) */
  timeoutMs?: number;
  /** pause between attempts (default 100 ms) */
  intervalMs?: number;
  /** what is awaited, for the error message (default "condition") */
  what?: string;
}

/**
 * Calls `fn` until it resolves to a value other than undefined, null or false, and returns that
 * value. A call that throws counts as "not yet"; its error is reported if the time runs out.
 */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false>,
  opts: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 100;
  const what = opts.what ?? 'condition';
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  let lastError: unknown;

  for (;;) {
    attempts += 1;
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const last =
        lastError === undefined
          ? ''
          : `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${attempts} attempts)${last}`);
    }
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(intervalMs, remaining)));
  }
}
