// Each test suite gets its own database on the shared Postgres server (127.0.0.1:5432, trust auth on
// dev and CI machines; TEST_DATABASE_URL overrides), dropped again when the suite ends.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection URL of the suite's own database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(label = 'suite'): Promise<TestDatabase> {
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '_')
    .slice(0, 20);
  const name = `platen_t_${safeLabel}_${randomBytes(5).toString('hex')}`;
  await onServer((client) => client.query(`create database "${name}"`));
  return {
    url: withDatabase(TEST_SERVER_URL, name),
    name,
    drop: () =>
      onServer((client) => client.query(`drop database if exists "${name}" with (force)`)).then(
        () => undefined,
      ),
  };
}
