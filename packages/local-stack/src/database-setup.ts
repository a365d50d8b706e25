// Before any service starts: bring the schemas up to date (one clear error if Postgres is broken,
// rather than every service failing on its own) and tell whether an operator has set up any account.
import { createDb, migrateSchema } from '@platen/db';

export interface DatabaseState {
  /** Migrations applied just now, as `schema/name`. */
  applied: string[];
  accounts: number;
}

export async function prepareDatabase(url: string): Promise<DatabaseState> {
  const db = createDb({ url, maxConnections: 2, applicationName: 'platen-local-stack' });
  try {
    // migrateSchema takes an untyped Kysely (migrations predate the table types).
    const untyped = db as unknown as Parameters<typeof migrateSchema>[0];
    const applied = [...(await migrateSchema(untyped, 'keys')), ...(await migrateSchema(untyped, 'renders'))];
    const row = await db
      .selectFrom('keys.accounts')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirst();
    return { applied, accounts: Number(row?.count ?? 0) };
  } finally {
    await db.destroy();
  }
}
