// The worker's batch sweep reads only batches still processing, oldest first: a partial index keeps
// that read as small as the batches in flight, however many finished ones pile up.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index batches_processing on renders.batches (created_at) where status = 'processing'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists renders.batches_processing`.execute(db);
}
