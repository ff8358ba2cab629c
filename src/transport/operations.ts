import express from 'express';
import type { Logger } from '../logger';
import { registry } from '../observability/metrics';
import type { Readiness } from '../observability/readiness';

/**
 * Endpoints for the platform, not for clients: /healthz (the process answers), /readyz (it can do
 * its work: 200 or 503 with each check's result), /metrics (Prometheus text format).
 */
export function operationsRoutes(readiness: Readiness, logger: Logger): express.Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await readiness.evaluate();
    if (!report.ok) logger.warn({ checks: report.checks }, 'not ready');
    res.status(report.ok ? 200 : 503).json({ status: report.ok ? 'ready' : 'not ready', checks: report.checks });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
