// Own-mockup import (PSD or JSON manifest): webhook deliveries can be about a mockup instead of a
// render (`mockup.ready` / `mockup.failed`), with the same once-per-(event, target) guarantee, and a
// failed import keeps its public error code beside the message.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A failed import's reason: `error` holds the message, `error_code` the public code.
  await db.schema.alterTable('renders.mockups').addColumn('error_code', 'text').execute();
  await db.schema.alterTable('renders.webhook_deliveries').addColumn('mockup_id', 'uuid').execute();
  await sql`create unique index webhook_deliveries_mockup_target on renders.webhook_deliveries (mockup_id, event_type, coalesce(endpoint_id, '00000000-0000-0000-0000-000000000000'::uuid)) where mockup_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists renders.webhook_deliveries_mockup_target`.execute(db);
  await db.schema.alterTable('renders.webhook_deliveries').dropColumn('mockup_id').execute();
  await db.schema.alterTable('renders.mockups').dropColumn('error_code').execute();
}
