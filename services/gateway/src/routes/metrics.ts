// GET /metrics: the app's Prometheus registry as text.
import type { RouteRegistry } from '@platen/http';
import type { Router } from 'express';
import { z } from 'zod';
import type { GatewayMetrics } from '../metrics.js';

export function registerMetricsRoute(registry: RouteRegistry, router: Router, metrics: GatewayMetrics): void {
  registry.add(
    router,
    {
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics',
      tags: ['operations'],
      security: 'none',
      responses: {
        200: { description: 'Prometheus text format', contentType: 'text/plain', schema: z.string() },
      },
    },
    [],
    async (_input, _req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    },
  );
}
