// Migrations per Postgres schema, run by the owning service on start and by `platen migrate`.
// Migrations are imported statically (not read from disk) so they work the same from src and dist.
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import * as keys0001 from './migrations/keys/0001_initial.js';
import * as keys0002 from './migrations/keys/0002_session_epoch.js';
import { RENDERS_MIGRATIONS } from './migrations/renders/index.js';

export const MIGRATIONS = {
  keys: { '0001_initial': keys0001, '0002_session_epoch': keys0002 },
  renders: RENDERS_MIGRATIONS,
} satisfies Record<string, Record<string, Migration>>;

export type SchemaName = keyof typeof MIGRATIONS;

export class MigrationError extends Error {
  constructor(schema: string, cause: unknown) {
    super(
      `migrations of schema "${schema}" failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'MigrationError';
  }
}

/** Brings one schema up to date; returns the names of the migrations it applied. */
export async function migrateSchema<DB>(db: Kysely<DB>, schema: SchemaName): Promise<string[]> {
  // The schema itself must exist before the migrator can keep its bookkeeping table inside it.
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS[schema]) },
    migrationTableSchema: schema,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) throw new MigrationError(schema, error);
  return results.filter((r) => r.status === 'Success').map((r) => `${schema}/${r.migrationName}`);
}
