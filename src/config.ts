import { z } from 'zod';

/**
 * One typed configuration, read from the environment. Every key has a default that makes
 * `npm start` work on a fresh machine (embedded ClickHouse with demo data); `.env.example`
 * documents each key. Invalid values fail start-up with the key and the value at fault.
 */

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string()).min(1));
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain SQL identifier');

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(4000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  CLICKHOUSE_URL: z.string().url().optional(),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: identifier.default('customer360'),
  CLICKHOUSE_DATA_DIR: z.string().min(1).default('./data/clickhouse'),

  MONGO_URL: z.string().startsWith('mongodb').optional(),
  MONGO_DATABASE: z.string().min(1).default('fashion'),
  KAFKA_BROKERS: list.optional(),

  DEMO: flag.optional(),
  DEMO_CUSTOMERS: int(1, 10_000_000).default(10_000),
  DEMO_SEED: int(0, 2 ** 31 - 1).default(360),
  DEMO_TRICKLE_PER_SEC: z.coerce.number().min(0).max(10_000).default(3),

  SINK_BATCH_ROWS: int(1, 10_000_000).default(50_000),
  SINK_FLUSH_MS: int(1, 60_000).default(25),

  LOADER_MODE: z.enum(['shared', 'request', 'naive']).default('shared'),

  MAX_IDS: int(1, 10_000).default(100),
  MAX_FIRST: int(1, 10_000).default(100),
  MAX_LIMIT: int(1, 10_000).default(50),
});

export interface Config {
  http: { host: string; port: number };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  clickhouse:
    | { mode: 'embedded'; dataDir: string }
    | { mode: 'server'; url: string; user: string; password: string; database: string };
  mongo?: { url: string; database: string };
  kafka?: { brokers: string[] };
  demo: { enabled: boolean; customers: number; seed: number; tricklePerSec: number };
  sink: { batchRows: number; flushMs: number };
  limits: { maxIds: number; maxFirst: number; maxLimit: number };
  loaders: { mode: 'shared' | 'request' | 'naive' };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most twelve-factor tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.');
      return `${key}=${JSON.stringify(present[key])}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const mongo = e.MONGO_URL ? { url: e.MONGO_URL, database: e.MONGO_DATABASE } : undefined;
  const kafka = e.KAFKA_BROKERS ? { brokers: e.KAFKA_BROKERS } : undefined;
  return {
    http: { host: e.HOST, port: e.PORT },
    logLevel: e.LOG_LEVEL,
    clickhouse: e.CLICKHOUSE_URL
      ? {
          mode: 'server',
          url: e.CLICKHOUSE_URL,
          user: e.CLICKHOUSE_USER,
          password: e.CLICKHOUSE_PASSWORD,
          database: e.CLICKHOUSE_DATABASE,
        }
      : { mode: 'embedded', dataDir: e.CLICKHOUSE_DATA_DIR },
    mongo,
    kafka,
    // The demo is the data of the embedded default: on unless a real source is configured.
    demo: {
      enabled: e.DEMO ?? (!mongo && !kafka),
      customers: e.DEMO_CUSTOMERS,
      seed: e.DEMO_SEED,
      tricklePerSec: e.DEMO_TRICKLE_PER_SEC,
    },
    sink: { batchRows: e.SINK_BATCH_ROWS, flushMs: e.SINK_FLUSH_MS },
    limits: { maxIds: e.MAX_IDS, maxFirst: e.MAX_FIRST, maxLimit: e.MAX_LIMIT },
    loaders: { mode: e.LOADER_MODE },
  };
}
