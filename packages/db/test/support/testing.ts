// Test support for the tables that point at `renders.mockups` (renders, batches): a minimal mockup
// row whose own content does not matter to the test. Tests import it as `@platen/db/testing` (jest's
// moduleNameMapper and tsconfig's paths); it is outside src/, so nothing is built from it and no
// service can link it.
import type { Kysely } from 'kysely';
import type { Database } from '../../src/database.js';

export interface FixtureMockup {
  slug: string;
  /** Owner; null (the default) makes it a built-in. */
  accountId?: string | null;
  id?: string;
  deletedAt?: Date | null;
}

/** Inserts a ready 10×8 mockup without smart objects and returns its id. */
export async function insertFixtureMockup(db: Kysely<Database>, fixture: FixtureMockup): Promise<string> {
  const row = await db
    .insertInto('renders.mockups')
    .values({
      ...(fixture.id ? { id: fixture.id } : {}),
      account_id: fixture.accountId ?? null,
      slug: fixture.slug,
      name: fixture.slug,
      width: 10,
      height: 8,
      status: 'ready',
      manifest: '{}',
      smart_objects: '[]',
      assets_prefix: 'x/',
      thumbnail_key: null,
      error: null,
      error_code: null,
      warnings: null,
      deleted_at: fixture.deletedAt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
