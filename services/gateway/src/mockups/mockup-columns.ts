// What the gateway reads of a `renders.mockups` row: the columns its writes are answered with (the
// public shape's plus the thumbnail key), so a row read and a row written look the same.
import type { Database } from '@platen/db';
import { MOCKUP_RECORD_COLUMNS, type MockupRecord } from '@platen/mockups';
import type { Kysely } from 'kysely';

export type StoredMockup = MockupRecord;

/** Live (not deleted) mockups, every column the public shape needs. */
export function selectLiveMockups(db: Kysely<Database>) {
  return db.selectFrom('renders.mockups').select(MOCKUP_RECORD_COLUMNS).where('deleted_at', 'is', null);
}
