// What the dashboard shows of usage: per-key daily requests, renders and credits (its chart), and
// the default rate-limit policy of a key.
import type { RateLimits } from '@platen/contracts';
import { parseInput, sendData } from '@platen/http';
import { Router } from 'express';
import { z } from 'zod';
import { MAX_USAGE_DAYS, type UsageReader } from '../usage-report.js';

const usageQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(MAX_USAGE_DAYS).default(30) });

export function usageRoutes({
  usage,
  defaultLimits,
}: {
  usage: UsageReader;
  defaultLimits: RateLimits;
}): Router {
  const router = Router();
  router.get('/rate-limits/default', (_req, res) => {
    sendData(res, defaultLimits);
  });
  router.get('/accounts/:id/usage', async (req, res) => {
    const { days } = parseInput(usageQuerySchema, req.query);
    sendData(res, await usage.daily(req.params.id, days));
  });
  return router;
}
