// GET /api/v1/mockups (alias /api/v1/templates): the account's visible mockups, paginated; and one
// mockup by uuid (the templates alias also takes the slug). Unknown and foreign ids are both 404.
import { ApiError } from '@platen/contracts';
import { parseInput } from '@platen/http';
import type { Express, Request, RequestHandler } from 'express';
import { z } from 'zod';
import type { MockupCatalogue } from '../mockups/mockup-catalogue.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export const listMockupsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1).max(512).optional(),
});

export interface MockupRoutesDeps {
  /** authenticate + rateLimit: every route below is an authenticated /api/v1 route. */
  guard: RequestHandler[];
  catalogue: MockupCatalogue;
}

function accountOf(req: Request): string {
  if (!req.auth) throw new Error('mockup routes run only after authenticate');
  return req.auth.accountId;
}

export function registerMockupRoutes(app: Express, { guard, catalogue }: MockupRoutesDeps): void {
  const list: RequestHandler = async (req, res) => {
    const query = parseInput(listMockupsQuerySchema, req.query);
    const page = await catalogue.list({
      accountId: accountOf(req),
      limit: query.limit,
      cursor: query.cursor,
    });
    res.json({ success: true, data: page.items, next_cursor: page.nextCursor });
  };

  const show =
    (bySlug: boolean): RequestHandler =>
    async (req, res) => {
      const id = String(req.params.id);
      const isUuid = z.uuid().safeParse(id).success;
      if (!isUuid && !bySlug) throw new ApiError('NOT_FOUND');
      const mockup = await catalogue.find({ accountId: accountOf(req), id, bySlug });
      if (!mockup) throw new ApiError('NOT_FOUND');
      res.json({ success: true, data: mockup });
    };

  app.get('/api/v1/mockups', ...guard, list);
  app.get('/api/v1/templates', ...guard, list);
  app.get('/api/v1/mockups/:id', ...guard, show(false));
  app.get('/api/v1/templates/:id', ...guard, show(true));
}
