// GET /metrics: the app's Prometheus registry as text. With a metrics token (METRICS_TOKEN; `npm start`
// always sets one) it answers only `Authorization: Bearer <token>`, since the public port serves it.
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '@platen/contracts';
import type { RouteRegistry } from '@platen/http';
import type { Request, Router } from 'express';
import { z } from 'zod';
import type { GatewayMetrics } from '../metrics.js';

function bearerMatches(req: Request, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function registerMetricsRoute(
  registry: RouteRegistry,
  router: Router,
  metrics: GatewayMetrics,
  metricsToken?: string,
): void {
  registry.add(
    router,
    {
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics',
      tags: ['operations'],
      security: 'none',
      headers: {
        authorization: {
          description: '`Bearer <METRICS_TOKEN>`: required when the gateway has a METRICS_TOKEN',
        },
      },
      responses: {
        200: { description: 'Prometheus text format', contentType: 'text/plain', schema: z.string() },
      },
      errors: ['UNAUTHORIZED'],
    },
    [],
    async (_input, req, res) => {
      if (metricsToken !== undefined && !bearerMatches(req, metricsToken))
        throw new ApiError('UNAUTHORIZED', {
          message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>',
        });
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    },
  );
}
