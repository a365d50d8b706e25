// What the gateway reads of a `renders.mockups` row: the public shape's columns plus the thumbnail key.
import type { Database } from '@platen/db';
import type { MockupRow } from '@platen/mockups';
import type { Kysely } from 'kysely';

export const MOCKUP_COLUMNS = [
  'id',
  'account_id',
  'slug',
  'name',
  'width',
  'height',
  'status',
  'smart_objects',
  'error',
  'error_code',
  'warnings',
  'created_at',
  'thumbnail_key',
] as const;

export type StoredMockup = MockupRow & { thumbnail_key: string | null };

/** Live (not deleted) mockups, every column the public shape needs. */
export function selectLiveMockups(db: Kysely<Database>) {
  return db.selectFrom('renders.mockups').select(MOCKUP_COLUMNS).where('deleted_at', 'is', null);
}
