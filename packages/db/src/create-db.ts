import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

// int8 (counts, credits) as JS numbers: every counter Platen keeps stays far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export interface CreateDbOptions {
  url: string;
  maxConnections?: number;
  applicationName?: string;
}

export function createDb({
  url,
  maxConnections = 10,
  applicationName = 'platen',
}: CreateDbOptions): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    application_name: applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (Postgres restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor a client checked out at that moment (pg then emits 'error' on the client, not the pool): its
  // query is rejected anyway, and pg-pool drops the broken client when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
