// The success envelope of docs/api.md, written in one place: `{ success: true, data }`, and for a page
// of a list `{ success: true, data, next_cursor }` (null on the last page).
import type { Page } from '@platen/contracts';
import type { Response } from 'express';

export function sendData(res: Response, data: unknown, status = 200): void {
  res.status(status).json({ success: true, data });
}

export function sendPage(res: Response, page: Page<unknown>, status = 200): void {
  res.status(status).json({ success: true, data: page.items, next_cursor: page.nextCursor });
}
