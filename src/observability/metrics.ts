import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ActivityBus } from '../activity/bus';
import type { IngestSink } from '../ingest/sink';
import type { ClickHouseStore } from '../store/clickhouse';

/**
 * The gateway's Prometheus metrics, served at /metrics. Sources import the ingest metrics below by
 * name and update them; the gateway binds the rest to its store, sink and bus in `observeGateway`.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** One GraphQL operation over HTTP, by operation name (bounded, see `operationLabel`), type and outcome. */
export const graphqlRequestDuration = new Histogram({
  name: 'customer360_graphql_request_duration_seconds',
  help: 'GraphQL requests over HTTP, from receipt to response, by operation name, type and outcome (ok or error).',
  labelNames: ['operation', 'type', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

/** HTTP requests refused before any GraphQL ran, by reason. */
export const httpRejections = new Counter({
  name: 'customer360_http_rejections_total',
  help: 'HTTP requests refused before execution, by reason (unauthenticated, forbidden, rate_limited, parse_failed, validation_failed, bad_user_input, too_complex, untrusted_document, payload_too_large, bad_request, timeout).',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const clickhouseQueryDuration = new Histogram({
  name: 'customer360_clickhouse_query_duration_seconds',
  help: 'Statements sent to ClickHouse, by kind (query, insert, command), label (the loader or table) and outcome; _count is the number of statements.',
  labelNames: ['kind', 'label', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

/** Records a source handed to the sink, by source (a MongoDB collection or Kafka topic). Sources increment it. */
export const ingestedEvents = new Counter({
  name: 'customer360_ingested_events_total',
  help: 'Source records ingested (committed to ClickHouse), by source; rate() gives events per second.',
  labelNames: ['source'] as const,
  registers: [registry],
});

/** How far a source's consumer is behind its head, in seconds. Sources set it. */
export const ingestLagSeconds = new Gauge({
  name: 'customer360_ingest_lag_seconds',
  help: 'How far behind the newest source event the ingester is, in seconds, by source.',
  labelNames: ['source'] as const,
  registers: [registry],
});

/** Messages set aside as bad input, by the topic they came from. Sources increment it. */
export const deadLetters = new Counter({
  name: 'customer360_dead_letters_total',
  help: 'Source messages set aside as bad input (dead letters), by source topic or collection.',
  labelNames: ['topic'] as const,
  registers: [registry],
});

/** Records set aside in rejected_records instead of being stored, by source and by what refused them. */
export const recordsSetAside = new Counter({
  name: 'customer360_records_set_aside_total',
  help: 'Records set aside in rejected_records, by source (kafka:<topic>, mongo:<collection>) and stage (source: it broke its shape; validation: the engine would refuse it; engine: the engine refused it).',
  labelNames: ['source', 'stage'] as const,
  registers: [registry],
});

/** Records of erased customers the sink dropped instead of storing, by source. The sink increments it. */
export const erasedRecordsDropped = new Counter({
  name: 'customer360_erased_records_dropped_total',
  help: 'Records of erased customers dropped by the ingest sink instead of being stored, by source (kafka:<topic>, mongo:<collection>, or the writer).',
  labelNames: ['source'] as const,
  registers: [registry],
});

/** Age of the newest record visible to queries, by source: now minus that record's event time. Sources set it. */
export const freshnessSeconds = new Gauge({
  name: 'customer360_freshness_seconds',
  help: 'Seconds between now and the event time of the newest committed record, by source.',
  labelNames: ['source'] as const,
  registers: [registry],
});

/** Segment entries and exits published, by segment (the segments file names them, so the label is bounded) and kind. */
export const segmentChanges = new Counter({
  name: 'customer360_segment_changes_total',
  help: 'Segment entries and exits stored and published, by segment and kind (ENTERED, EXITED).',
  labelNames: ['segment', 'kind'] as const,
  registers: [registry],
});

export const segmentRounds = new Counter({
  name: 'customer360_segment_rounds_total',
  help: 'Segment evaluation rounds (one ClickHouse query for the customers of one or more commits), by outcome (ok, error: retried).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const segmentPendingCustomers = new Gauge({
  name: 'customer360_segment_pending_customers',
  help: 'Customers touched by commits and not yet evaluated against the segments.',
  registers: [registry],
});

export const webSocketConnections = new Gauge({
  name: 'customer360_websocket_connections',
  help: 'Open graphql-ws connections.',
  registers: [registry],
});

// Bound by observeGateway to the running gateway's parts; read at scrape time.
let bound: { sink: IngestSink; bus: ActivityBus; loaders: { queuedKeys(): number }; profiles?: { subscriberCount(): number } } | null = null;
const sinkCounted = { rows: 0, batches: 0, failures: 0 };

export const activeSubscriptions = new Gauge({
  name: 'customer360_active_subscriptions',
  help: 'customerActivity subscriptions currently open.',
  registers: [registry],
  collect() {
    this.set(bound?.bus.subscriberCount() ?? 0);
  },
});

new Gauge({
  name: 'customer360_loader_queued_keys',
  help: 'Profile lookups waiting for a ClickHouse query across requests (shared batch queue; bounded by LOADER_MAX_QUEUED_KEYS).',
  registers: [registry],
  collect() {
    this.set(bound?.loaders.queuedKeys() ?? 0);
  },
});

export const profileSubscriptions = new Gauge({
  name: 'customer360_profile_subscriptions',
  help: 'customerProfile subscriptions currently open.',
  registers: [registry],
  collect() {
    this.set(bound?.profiles?.subscriberCount() ?? 0);
  },
});

/** Counters mirrored from IngestSink.stats at scrape time (the sink counts; this only reports). */
function sinkCounter(name: string, help: string, key: keyof typeof sinkCounted, read: (s: IngestSink) => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      if (!bound) return;
      const now = read(bound.sink);
      if (now > sinkCounted[key]) this.inc(now - sinkCounted[key]);
      sinkCounted[key] = now;
    },
  });
}

sinkCounter('customer360_sink_rows_written_total', 'Rows committed to ClickHouse by the ingest sink.', 'rows', (s) => s.stats.rowsWritten);
sinkCounter('customer360_sink_batches_written_total', 'Batches committed to ClickHouse by the ingest sink.', 'batches', (s) => s.stats.batchesWritten);
sinkCounter('customer360_sink_write_failures_total', 'Failed ClickHouse writes of the ingest sink (each is retried).', 'failures', (s) => s.stats.writeFailures);

new Gauge({
  name: 'customer360_sink_last_commit_timestamp_seconds',
  help: 'Unix time of the ingest sink\'s last committed batch (0 before the first).',
  registers: [registry],
  collect() {
    this.set((bound?.sink.stats.lastCommitAt ?? 0) / 1000);
  },
});

/**
 * Operation names are chosen by clients, and every label value is a series (with a line per bucket) in
 * every scrape: a name longer than MAX_OPERATION_LABEL_LENGTH, or one past MAX_OPERATION_LABELS distinct
 * names, counts as "(other)". /metrics stays a few hundred kilobytes whatever clients send.
 */
export const MAX_OPERATION_LABELS = 200;
export const MAX_OPERATION_LABEL_LENGTH = 64;
const operationNames = new Set<string>();

export function operationLabel(name: string | null | undefined): string {
  if (!name) return '(anonymous)';
  if (operationNames.has(name)) return name;
  if (name.length > MAX_OPERATION_LABEL_LENGTH || operationNames.size >= MAX_OPERATION_LABELS) return '(other)';
  operationNames.add(name);
  return name;
}

/** Binds the scrape-time metrics to a running gateway and times every ClickHouse statement; returns the unbinding. */
export function observeGateway(parts: {
  store: ClickHouseStore;
  sink: IngestSink;
  bus: ActivityBus;
  loaders: { queuedKeys(): number };
  profiles?: { subscriberCount(): number };
}): () => void {
  bound = { sink: parts.sink, bus: parts.bus, loaders: parts.loaders, ...(parts.profiles ? { profiles: parts.profiles } : {}) };
  // A new sink counts from zero again; the counters keep rising from where they were.
  sinkCounted.rows = parts.sink.stats.rowsWritten;
  sinkCounted.batches = parts.sink.stats.batchesWritten;
  sinkCounted.failures = parts.sink.stats.writeFailures;
  const stopObserving = parts.store.observe(({ kind, label, ms, ok }) => {
    clickhouseQueryDuration.observe({ kind, label, outcome: ok ? 'ok' : 'error' }, ms / 1000);
  });
  return () => {
    stopObserving();
    if (bound?.sink === parts.sink) bound = null;
  };
}
