// Unauthenticated probes: /healthz says the process is alive, /readyz that it can serve (Postgres
// and Redis answer); not ready is the 503 SERVICE_UNAVAILABLE envelope, naming the failed check.
import { ApiError } from '@platen/contracts';
import { Router } from 'express';
import type { Readiness } from '../readiness.js';
import { sendData } from '@platen/http';

export interface HealthRoutesDeps {
  readiness: () => Promise<Readiness>;
}

export function healthRoutes({ readiness }: HealthRoutesDeps): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    sendData(res, { status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const { ready, checks } = await readiness();
    if (!ready) throw new ApiError('SERVICE_UNAVAILABLE', { details: { checks } });
    sendData(res, { status: 'ready', checks });
  });

  return router;
}
