// The one order of mockup lists: by name, then uuid, both compared as UTF-8 bytes (Postgres'
// `collate "C"`), so pages merged in memory and pages read with SQL agree for any database locale.
// The keyset cursor names the last item of a page.
import { ApiError } from '@platen/contracts';
import { z } from 'zod';

export interface MockupPosition {
  name: string;
  uuid: string;
}

const cursorSchema = z.object({ name: z.string(), uuid: z.uuid() });

export function compareMockups(a: MockupPosition, b: MockupPosition): number {
  if (a.name !== b.name) return Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));
  return a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0;
}

export function encodeMockupCursor(position: MockupPosition): string {
  return Buffer.from(JSON.stringify({ name: position.name, uuid: position.uuid })).toString('base64url');
}

export function decodeMockupCursor(cursor: string): MockupPosition {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // falls through to the validation error
  }
  throw new ApiError('VALIDATION_ERROR', {
    message: 'cursor: not a cursor this API returned',
    details: { issues: [{ path: 'cursor', message: 'not a cursor this API returned' }] },
  });
}
