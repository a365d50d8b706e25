// An account's live mockups found by the account alone: the own-mockup reads of the catalogue, a
// mockup's lookup by uuid within its account, and the writes that check a slug, all filter on
// `account_id = $1 and deleted_at is null`; soft-deleted rows stay out of the index.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists mockups_account_live on renders.mockups (account_id) where deleted_at is null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists renders.mockups_account_live`.execute(db);
}
