// A user's session epoch: every session token carries the epoch it was issued in, and a password
// change or reset moves the user to the next one, so every session from before it is refused (at
// refresh by the key-service, at once by gateways through Redis) while the changing one is re-issued.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('keys.users')
    .addColumn('session_epoch', 'integer', (c) => c.notNull().defaultTo(sql`0`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('keys.users').dropColumn('session_epoch').execute();
}
