// A failed render's refund, as confirmed by the key-service (which keeps the ledger), so the render
// itself shows it: the worker (or the gateway, for a render it could not queue) sets it once the
// refund is applied. Never more than was charged.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('renders.renders')
    .addColumn('credits_refunded', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`alter table renders.renders add constraint renders_credits_refunded_range check (credits_refunded between 0 and credits_charged)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('renders.renders').dropColumn('credits_refunded').execute();
}
