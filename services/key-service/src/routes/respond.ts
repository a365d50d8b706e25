// The success envelope of docs/api.md: `{success: true, data}`, lists adding `next_cursor`.
import type { Response } from 'express';
import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page } from '../page-cursor.js';

export function sendData(res: Response, data: unknown, status = 200): void {
  res.status(status).json({ success: true, data });
}

export function sendPage(res: Response, page: Page<unknown>): void {
  res.json({ success: true, data: page.items, next_cursor: page.nextCursor });
}

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1).max(512).optional(),
});
