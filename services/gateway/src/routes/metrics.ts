// GET /metrics: the app's Prometheus registry as text.
import type { Express } from 'express';
import type { GatewayMetrics } from '../metrics.js';

export function registerMetricsRoute(app: Express, metrics: GatewayMetrics): void {
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
