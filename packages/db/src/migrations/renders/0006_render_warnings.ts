// A succeeded render keeps what it could not do well (cropped or enlarged artwork, an output larger
// than its template) beside its result: `[{code, message, smart_object_uuid?}]`, null before this.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('renders.renders').addColumn('result_warnings', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('renders.renders').dropColumn('result_warnings').execute();
}
