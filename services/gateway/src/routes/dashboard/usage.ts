// /dashboard/api/usage: requests, renders and credits per key per UTC day (the key-service's report).
import { successEnvelope, usageReportSchema } from '@platen/contracts';
import { sendData } from '@platen/http';
import { z } from 'zod';
import type { AccountService } from '@platen/key-service-client';
import { sessionOf } from '../../dashboard/session-guard.js';
import { BASE, SESSION_ERRORS, tags, type DashboardRouteContext } from './route-context.js';

const MAX_USAGE_DAYS = 90;
const usageQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(MAX_USAGE_DAYS).default(30) });

export function registerDashboardUsageRoutes(ctx: DashboardRouteContext, accounts: AccountService): void {
  ctx.registry.add(
    ctx.router,
    {
      tags,
      method: 'get',
      path: `${BASE}/usage`,
      summary: 'Requests, renders and credits per key per UTC day',
      security: 'session',
      query: usageQuerySchema,
      responses: { 200: { description: 'Daily usage', schema: successEnvelope(usageReportSchema) } },
      errors: [...SESSION_ERRORS, 'VALIDATION_ERROR'],
    },
    ctx.session,
    async ({ query }, req, res) => {
      sendData(res, await accounts.usage(sessionOf(req).accountId, query.days));
    },
  );
}
