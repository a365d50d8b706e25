// A finished batch records when its `batch-event` job was queued: the winner of the finishing UPDATE
// can lose that enqueue to a Redis blip, and the worker's sweep re-queues what has no mark. Batches
// finished before this migration had their job queued then (or lost for good): they are marked.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table renders.batches add column finished_event_queued_at timestamptz`.execute(db);
  await sql`update renders.batches set finished_event_queued_at = completed_at where status = 'finished'`.execute(
    db,
  );
  // The sweep reads only the few finished batches still unmarked, oldest first.
  await sql`create index batches_finished_unqueued on renders.batches (completed_at)
    where status = 'finished' and finished_event_queued_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists renders.batches_finished_unqueued`.execute(db);
  await sql`alter table renders.batches drop column if exists finished_event_queued_at`.execute(db);
}
