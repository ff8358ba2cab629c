import path from 'node:path';
import { z } from 'zod';
import { parseApiKeyEntries, type ApiKeyEntry } from './auth/credentials';
import { jwksUrlProblem, type JwtOptions } from './auth/jwt';
import type { Role } from './auth/roles';
import { isLoopbackHost } from './loopback';

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

/** An origin exactly as a browser sends it in the Origin header: http(s)://host[:port], no path. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}
const origins = list.superRefine((values, ctx) => {
  for (const value of values.filter((v) => !isOrigin(v))) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not an origin: scheme://host[:port], without a path or a trailing slash` });
  }
});

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(4000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  CLICKHOUSE_URL: z.string().url().optional(),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: identifier.default('customer360'),
  CLICKHOUSE_DATA_DIR: z.string().min(1).default('./data/clickhouse'),
  // A ClickHouse cluster behind CLICKHOUSE_URL: docs/scaling.md.
  CLICKHOUSE_CLUSTER: identifier.optional(),
  CLICKHOUSE_CONSISTENCY: z.enum(['quorum', 'sequential']).optional(),
  CLICKHOUSE_QUORUM_TIMEOUT_MS: int(1_000, 3_600_000).default(60_000),
  MIGRATIONS_LOCK_WAIT_MS: int(0, 86_400_000).default(600_000),

  MONGO_URL: z.string().startsWith('mongodb').optional(),
  MONGO_DATABASE: z.string().min(1).default('fashion'),
  KAFKA_BROKERS: list.optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('customer360'),
  KAFKA_GROUP_ID: z.string().min(1).default('customer360-ingest'),
  KAFKA_TOPIC_WEBLOGS: z.string().min(1).default('weblogs'),
  KAFKA_TOPIC_EMAILS: z.string().min(1).default('marketing_emails'),
  KAFKA_TOPIC_DEAD_LETTER: z.string().min(1).default('customer360.dead-letter'),
  KAFKA_TOPIC_ACTIVITY: z.string().min(1).default('customer360.activity'),
  KAFKA_TOPIC_SEGMENT_CHANGES: z.string().min(1).default('customer360.segment-changes'),
  KAFKA_FROM_BEGINNING: flag.default(true),
  KAFKA_SESSION_TIMEOUT_MS: int(6_000, 300_000).default(30_000),
  KAFKA_SSL: flag.default(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  INGEST: flag.optional(),
  INGEST_LEASE: z.enum(['all', 'mongo']).default('all'),
  INGEST_LEASE_TTL_MS: int(3_000, 600_000).default(15_000),
  ACTIVITY_FANOUT: z.enum(['local', 'kafka']).default('local'),

  DEMO: flag.optional(),
  DEMO_CUSTOMERS: int(1, 10_000_000).default(10_000),
  DEMO_SEED: int(0, 2 ** 31 - 1).default(360),
  DEMO_TRICKLE_PER_SEC: z.coerce.number().min(0).max(10_000).default(3),

  // Live segments: README, "Segments".
  SEGMENTS_FILE: z.string().min(1).optional(),
  SEGMENTS_RECHECK_MS: int(0, 86_400_000).default(60_000),

  SINK_BATCH_ROWS: int(1, 10_000_000).default(50_000),
  SINK_FLUSH_MS: int(1, 60_000).default(25),
  INGEST_MAX_STRING_BYTES: int(1_024, 64 * 1024 * 1024).default(1024 * 1024),

  LOADER_MODE: z.enum(['shared', 'request', 'naive']).default('shared'),
  LOADER_MAX_IN_FLIGHT: int(1, 64).default(1),
  LOADER_MAX_QUEUED_KEYS: int(1, 10_000_000).default(10_000),

  MAX_IDS: int(1, 10_000).default(100),
  MAX_FIRST: int(1, 10_000).default(100),
  MAX_LIMIT: int(1, 10_000).default(50),

  // Authentication and query limits: docs/security.md.
  AUTH_MODE: z.enum(['required', 'none']).optional(),
  AUTH_API_KEYS: list.optional(),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (a 256-bit HS256 secret)').optional(),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_JWT_ISSUER: z.string().min(1).optional(),
  AUTH_JWT_AUDIENCE: z.string().min(1).optional(),
  AUTH_ROLE_CLAIM: z.string().regex(/^[\w:/-]+(\.[\w:/-]+)*$/, 'must be a claim name or a dotted path').default('role'),
  ALLOWED_ORIGINS: origins.optional(),
  QUERY_MAX_DEPTH: int(1, 1_000).default(10),
  QUERY_MAX_COST: int(1, 100_000_000).default(50_000),
  QUERY_MAX_ALIASES: int(0, 10_000).default(30),
  QUERY_MAX_DIRECTIVES: int(0, 10_000).default(50),
  QUERY_MAX_TOKENS: int(100, 1_000_000).default(10_000),
  QUERY_TIMEOUT_MS: int(100, 3_600_000).default(10_000),
  HTTP_MAX_BODY_BYTES: int(1_024, 100 * 1024 * 1024).default(102_400),
  RATE_LIMIT_SUPPORT: int(0, 1_000_000_000).default(3_000),
  RATE_LIMIT_PERSONALISATION: int(0, 1_000_000_000).default(300_000),
  RATE_LIMIT_PRIVACY: int(0, 1_000_000_000).default(3_000),
  RATE_LIMIT_WINDOW_SEC: int(1, 86_400).default(60),
  WS_MAX_CONNECTIONS_PER_CREDENTIAL: int(0, 10_000_000).default(1_000),
  WS_MAX_SUBSCRIPTIONS_PER_CREDENTIAL: int(0, 100_000_000).default(10_000),
  GRAPHQL_INTROSPECTION: flag.default(true),
  GRAPHIQL: flag.default(true),
  TRUSTED_DOCUMENTS: z.enum(['optional', 'required']).default('optional'),
  TRUSTED_DOCUMENTS_FILES: list.optional(),

  // Operations: docs/operations.md.
  READY_MAX_LAG_SECONDS: int(1, 86_400).default(60),
  READY_CHECK_TIMEOUT_MS: int(100, 60_000).default(2_000),
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),

  // Privacy: docs/privacy.md.
  ERASURE_DEADLINE_MS: int(1_000, 86_400_000).default(300_000),
});

/** The demo's six segments (`segments/demo.yml`), from both `src/` and `dist/`. */
export const DEMO_SEGMENTS_FILE = path.resolve(__dirname, '../segments/demo.yml');

/** Every environment variable the configuration reads; `.env.example` documents each (a test checks). */
export const CONFIG_KEYS: readonly string[] = Object.keys(envSchema.shape);

export interface Config {
  http: { host: string; port: number };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  clickhouse:
    | { mode: 'embedded'; dataDir: string }
    | { mode: 'server'; url: string; user: string; password: string; database: string; cluster?: ClusterConfig };
  /** How long a starting process waits for another one's migrations (the schema lock) before it gives up. */
  migrations: { lockWaitMs: number };
  mongo?: { url: string; database: string };
  kafka?: KafkaConfig;
  /**
   * Whether this process may run the MongoDB and Kafka ingesters, and which of them run only on the replica
   * holding the ingest lease (`all`: both; `mongo`: the MongoDB feed, while every replica consumes Kafka).
   */
  ingest: { enabled: boolean; lease: { sources: 'all' | 'mongo'; ttlMs: number } };
  /** How committed activity reaches `customerActivity` subscribers: this process only, or every replica. */
  activity: { fanout: 'local' | 'kafka' };
  demo: { enabled: boolean; customers: number; seed: number; tricklePerSec: number };
  sink: { batchRows: number; flushMs: number; maxStringBytes: number };
  /**
   * The segments file (YAML), or null for no segments; the demo uses DEMO_SEGMENTS_FILE unless SEGMENTS_FILE is set.
   * `recheckMs`: how often customers whose time-based conditions may have changed are evaluated again (0: never).
   */
  segments: { file: string | null; recheckMs: number };
  limits: { maxIds: number; maxFirst: number; maxLimit: number };
  loaders: { mode: 'shared' | 'request' | 'naive'; maxInFlight: number; maxQueuedKeys: number };
  /** Who may call, and as which role (docs/security.md). */
  auth: AuthConfig;
  /** Bounds on every GraphQL request besides the MAX_* argument sizes above (docs/security.md). */
  queryLimits: {
    maxDepth: number;
    maxCost: number;
    maxAliases: number;
    maxDirectives: number;
    maxTokens: number;
    maxBodyBytes: number;
    timeoutMs: number;
  };
  /**
   * Requests (HTTP requests and subscribe messages) per credential per window, by the credential's role;
   * 0 = no limit. A support desk and a storefront's single key need very different rates.
   */
  rateLimit: { windowSec: number; perRole: Record<Role, number> };
  /** WebSocket connections, and operations open on them, per credential at once (anonymous: per address); 0 = no cap. */
  webSocket: { maxConnectionsPerCredential: number; maxOperationsPerCredential: number };
  /** Introspection and the GraphiQL page, each switchable off for production. */
  graphql: { introspection: boolean; graphiql: boolean };
  /**
   * Documents run by id, parsed and validated once: the console's and those in `files` (manifests as
   * GraphQL Code Generator's client preset writes them). `required`: nothing else runs (docs/security.md).
   */
  trustedDocuments: { mode: 'optional' | 'required'; files: string[] };
  operations: { readyMaxLagSeconds: number; readyCheckTimeoutMs: number; shutdownGraceMs: number };
  /** /metrics: open, or only for scrapers that send this bearer token. */
  metrics: { token?: string };
  /** An erasure's removal must be verified on disk within `deadlineMs` of the request (docs/privacy.md). */
  privacy: { erasureDeadlineMs: number };
}

/** A ClickHouse cluster (server mode only): docs/scaling.md. */
export interface ClusterConfig {
  /** The cluster's name in the servers' remote_servers: every DDL statement runs ON CLUSTER it. */
  name: string;
  /** When a write counts as done: every replica has it (`quorum`), or a majority with sequential reads. */
  consistency: 'quorum' | 'sequential';
  quorumTimeoutMs: number;
}

export interface AuthConfig {
  /** `none` only while HOST is loopback: every caller is then an anonymous `support`. */
  mode: 'required' | 'none';
  apiKeys: ApiKeyEntry[];
  jwt?: JwtOptions;
  /**
   * Browser origins besides the gateway's own that may call /graphql over HTTP (CORS) and open WebSockets
   * (cross-site WebSocket hijacking); pages of any other origin are refused.
   */
  allowedOrigins: string[];
}

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** The ingesting consumer group. */
  groupId: string;
  /** Where a consumer group without committed offsets starts: the earliest message, or only new ones. */
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  topics: { weblogs: string; emails: string; deadLetter: string; activity: string; segmentChanges: string };
}

/** Keys whose values are secrets: an error names the key and the rule, never the value. */
const SECRET_KEYS: ReadonlySet<string> = new Set(['AUTH_JWT_SECRET', 'CLICKHOUSE_PASSWORD', 'KAFKA_SASL_PASSWORD', 'METRICS_TOKEN']);
/** Keys whose values are URLs, which may carry a password (`scheme://user:password@host`). */
const URL_KEYS: ReadonlySet<string> = new Set(['CLICKHOUSE_URL', 'MONGO_URL', 'AUTH_JWKS_URL']);

/** A value as a configuration error may show it: secrets by their length only, URLs without a password. */
function shown(key: string, value: string | undefined): string {
  if (value === undefined) return 'unset';
  if (SECRET_KEYS.has(key)) return `[redacted, ${value.length} characters]`;
  if (URL_KEYS.has(key)) return JSON.stringify(value.replace(/(\/\/[^/@:]*):[^/@]*@/, '$1:[redacted]@'));
  return JSON.stringify(value);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads `.env` into the environment when the file exists, with Node's own parser (`process.loadEnvFile`).
 * A variable the environment already has keeps its value: the environment wins over the file. Returns
 * whether a file was read; a file that exists but cannot be read stops start-up.
 */
export function loadEnvFile(file = '.env'): boolean {
  try {
    process.loadEnvFile(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most twelve-factor tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.');
      return `${key}=${shown(key, present[key])}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  const mongo = e.MONGO_URL ? { url: e.MONGO_URL, database: e.MONGO_DATABASE } : undefined;
  let sasl: KafkaConfig['sasl'];
  if (e.KAFKA_SASL_MECHANISM) {
    if (!e.KAFKA_SASL_USERNAME || e.KAFKA_SASL_PASSWORD === undefined) {
      problems.push(`KAFKA_SASL_MECHANISM=${JSON.stringify(e.KAFKA_SASL_MECHANISM)}: needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
    } else {
      sasl = { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD };
    }
  }
  const kafka: KafkaConfig | undefined = e.KAFKA_BROKERS
    ? {
        brokers: e.KAFKA_BROKERS,
        clientId: e.KAFKA_CLIENT_ID,
        ssl: e.KAFKA_SSL,
        ...(sasl ? { sasl } : {}),
        groupId: e.KAFKA_GROUP_ID,
        fromBeginning: e.KAFKA_FROM_BEGINNING,
        sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
        topics: {
          weblogs: e.KAFKA_TOPIC_WEBLOGS,
          emails: e.KAFKA_TOPIC_EMAILS,
          deadLetter: e.KAFKA_TOPIC_DEAD_LETTER,
          activity: e.KAFKA_TOPIC_ACTIVITY,
          segmentChanges: e.KAFKA_TOPIC_SEGMENT_CHANGES,
        },
      }
    : undefined;
  if (e.CLICKHOUSE_CLUSTER && !e.CLICKHOUSE_URL) {
    problems.push(`CLICKHOUSE_CLUSTER=${JSON.stringify(e.CLICKHOUSE_CLUSTER)}: needs CLICKHOUSE_URL (the embedded engine is one process, not a cluster)`);
  }
  if (e.CLICKHOUSE_CONSISTENCY && !e.CLICKHOUSE_CLUSTER) {
    problems.push(`CLICKHOUSE_CONSISTENCY=${JSON.stringify(e.CLICKHOUSE_CONSISTENCY)}: applies only with CLICKHOUSE_CLUSTER (one server sees its own writes)`);
  }
  const cluster: ClusterConfig | undefined = e.CLICKHOUSE_CLUSTER
    ? { name: e.CLICKHOUSE_CLUSTER, consistency: e.CLICKHOUSE_CONSISTENCY ?? 'quorum', quorumTimeoutMs: e.CLICKHOUSE_QUORUM_TIMEOUT_MS }
    : undefined;
  if (e.ACTIVITY_FANOUT === 'kafka' && !kafka) {
    problems.push('ACTIVITY_FANOUT="kafka": needs KAFKA_BROKERS');
  }
  const auth = resolveAuth(e, problems);
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
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
          ...(cluster ? { cluster } : {}),
        }
      : { mode: 'embedded', dataDir: e.CLICKHOUSE_DATA_DIR },
    migrations: { lockWaitMs: e.MIGRATIONS_LOCK_WAIT_MS },
    mongo,
    ...(kafka ? { kafka } : {}),
    ingest: { enabled: e.INGEST ?? Boolean(mongo || kafka), lease: { sources: e.INGEST_LEASE, ttlMs: e.INGEST_LEASE_TTL_MS } },
    activity: { fanout: e.ACTIVITY_FANOUT },
    // The demo is the data of the embedded default: on unless a real source is configured.
    demo: {
      enabled: e.DEMO ?? (!mongo && !kafka),
      customers: e.DEMO_CUSTOMERS,
      seed: e.DEMO_SEED,
      tricklePerSec: e.DEMO_TRICKLE_PER_SEC,
    },
    segments: { file: e.SEGMENTS_FILE ?? (e.DEMO ?? (!mongo && !kafka) ? DEMO_SEGMENTS_FILE : null), recheckMs: e.SEGMENTS_RECHECK_MS },
    sink: { batchRows: e.SINK_BATCH_ROWS, flushMs: e.SINK_FLUSH_MS, maxStringBytes: e.INGEST_MAX_STRING_BYTES },
    limits: { maxIds: e.MAX_IDS, maxFirst: e.MAX_FIRST, maxLimit: e.MAX_LIMIT },
    loaders: { mode: e.LOADER_MODE, maxInFlight: e.LOADER_MAX_IN_FLIGHT, maxQueuedKeys: e.LOADER_MAX_QUEUED_KEYS },
    auth,
    queryLimits: {
      maxDepth: e.QUERY_MAX_DEPTH,
      maxCost: e.QUERY_MAX_COST,
      maxAliases: e.QUERY_MAX_ALIASES,
      maxDirectives: e.QUERY_MAX_DIRECTIVES,
      maxTokens: e.QUERY_MAX_TOKENS,
      maxBodyBytes: e.HTTP_MAX_BODY_BYTES,
      timeoutMs: e.QUERY_TIMEOUT_MS,
    },
    rateLimit: {
      windowSec: e.RATE_LIMIT_WINDOW_SEC,
      perRole: { support: e.RATE_LIMIT_SUPPORT, personalisation: e.RATE_LIMIT_PERSONALISATION, privacy: e.RATE_LIMIT_PRIVACY },
    },
    webSocket: {
      maxConnectionsPerCredential: e.WS_MAX_CONNECTIONS_PER_CREDENTIAL,
      maxOperationsPerCredential: e.WS_MAX_SUBSCRIPTIONS_PER_CREDENTIAL,
    },
    graphql: { introspection: e.GRAPHQL_INTROSPECTION, graphiql: e.GRAPHIQL },
    trustedDocuments: { mode: e.TRUSTED_DOCUMENTS, files: e.TRUSTED_DOCUMENTS_FILES ?? [] },
    operations: {
      readyMaxLagSeconds: e.READY_MAX_LAG_SECONDS,
      readyCheckTimeoutMs: e.READY_CHECK_TIMEOUT_MS,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    },
    metrics: e.METRICS_TOKEN === undefined ? {} : { token: e.METRICS_TOKEN },
    privacy: { erasureDeadlineMs: e.ERASURE_DEADLINE_MS },
  };
}

/**
 * Authentication is required unless HOST is loopback and no credential is configured (the demo).
 * Running without it on a reachable address is refused, never silently allowed.
 */
function resolveAuth(e: z.infer<typeof envSchema>, problems: string[]): AuthConfig {
  let apiKeys: ApiKeyEntry[] = [];
  try {
    apiKeys = parseApiKeyEntries(e.AUTH_API_KEYS ?? []);
  } catch (error) {
    problems.push(`AUTH_API_KEYS: ${(error as Error).message}`);
  }
  const jwt: JwtOptions | undefined =
    e.AUTH_JWT_SECRET || e.AUTH_JWKS_URL
      ? {
          ...(e.AUTH_JWT_SECRET ? { secret: e.AUTH_JWT_SECRET } : {}),
          ...(e.AUTH_JWKS_URL ? { jwksUrl: e.AUTH_JWKS_URL } : {}),
          ...(e.AUTH_JWT_ISSUER ? { issuer: e.AUTH_JWT_ISSUER } : {}),
          ...(e.AUTH_JWT_AUDIENCE ? { audience: e.AUTH_JWT_AUDIENCE } : {}),
          roleClaim: e.AUTH_ROLE_CLAIM,
        }
      : undefined;
  if (e.AUTH_JWKS_URL) {
    const problem = jwksUrlProblem(e.AUTH_JWKS_URL);
    if (problem) problems.push(`AUTH_JWKS_URL=${shown('AUTH_JWKS_URL', e.AUTH_JWKS_URL)}: ${problem}`);
    // A JWKS (an identity provider's keys) signs tokens for many services: a token meant for another
    // one must not pass here.
    const missing = [...(e.AUTH_JWT_ISSUER ? [] : ['AUTH_JWT_ISSUER']), ...(e.AUTH_JWT_AUDIENCE ? [] : ['AUTH_JWT_AUDIENCE'])];
    if (missing.length > 0) problems.push(`AUTH_JWKS_URL: needs ${missing.join(' and ')} (tokens must name this gateway)`);
  }
  const hasCredentials = apiKeys.length > 0 || jwt !== undefined;
  const loopback = isLoopbackHost(e.HOST);
  const mode = e.AUTH_MODE ?? (loopback && !hasCredentials ? 'none' : 'required');
  if (mode === 'none' && !loopback) {
    problems.push(
      `AUTH_MODE="none": allowed only while HOST is a loopback address (HOST=${JSON.stringify(e.HOST)}); configure AUTH_API_KEYS, AUTH_JWT_SECRET or AUTH_JWKS_URL`,
    );
  } else if (mode === 'required' && !hasCredentials) {
    problems.push(
      `AUTH_MODE="required"${e.AUTH_MODE ? '' : ` (HOST=${JSON.stringify(e.HOST)} is not loopback)`}: needs AUTH_API_KEYS, AUTH_JWT_SECRET or AUTH_JWKS_URL`,
    );
  }
  return { mode, apiKeys, ...(jwt ? { jwt } : {}), allowedOrigins: e.ALLOWED_ORIGINS ?? [] };
}
