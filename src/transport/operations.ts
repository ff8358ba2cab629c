import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { Logger } from '../logger';
import { registry } from '../observability/metrics';
import type { Readiness } from '../observability/readiness';

export interface OperationsRoutesOptions {
  /** When set, /metrics answers only `Authorization: Bearer <token>` (METRICS_TOKEN), as Prometheus scrapers send it. */
  metricsToken?: string;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Whether the request carries the bearer token; compared in constant time, on digests of equal length. */
function bearerMatches(authorization: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}

/**
 * Endpoints for the platform, not for clients: /healthz (the process answers), /readyz (it can do
 * its work: 200 or 503 with each check's result), /metrics (Prometheus text format, behind its own
 * bearer token when METRICS_TOKEN is set).
 */
export function operationsRoutes(readiness: Readiness, logger: Logger, options: OperationsRoutesOptions = {}): express.Router {
  const router = express.Router();
  const metricsToken = options.metricsToken === undefined ? null : digest(options.metricsToken);
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await readiness.evaluate();
    if (!report.ok) logger.warn({ checks: report.checks }, 'not ready');
    res.status(report.ok ? 200 : 503).json({ status: report.ok ? 'ready' : 'not ready', checks: report.checks });
  });
  router.get('/metrics', async (req, res) => {
    if (metricsToken && !bearerMatches(req.get('authorization'), metricsToken)) {
      res.status(401).setHeader('www-authenticate', 'Bearer realm="metrics"').type('text/plain').send('METRICS_TOKEN required: send "Authorization: Bearer <token>".\n');
      return;
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
