import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '@platen/testing';
import { createDb } from './create-db.js';
import { migrateSchema } from './migrate.js';

describe('migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('migrate');
  });
  afterAll(() => database.drop());

  it('creates each schema on a fresh database and applies nothing the second time', async () => {
    const db = createDb({ url: database.url });
    try {
      expect(await migrateSchema(db, 'keys')).toEqual(['keys/0001_initial']);
      expect(await migrateSchema(db, 'renders')).toEqual([
        'renders/0001_initial',
        'renders/0002_webhooks',
        'renders/0003_mockups_account_index',
        'renders/0004_mockup_imports',
        'renders/0005_render_warnings',
      ]);
      expect(await migrateSchema(db, 'keys')).toEqual([]);
      expect(await migrateSchema(db, 'renders')).toEqual([]);
      const { rows } = await sql<{ table: string }>`
        select table_schema || '.' || table_name as table from information_schema.tables
        where table_schema in ('keys', 'renders') and table_name not like 'kysely_%' order by 1`.execute(db);
      expect(rows.map((row) => row.table)).toEqual([
        'keys.accounts',
        'keys.api_keys',
        'keys.credit_ledger',
        'keys.key_usage',
        'keys.users',
        'renders.idempotency_keys',
        'renders.mockups',
        'renders.renders',
        'renders.webhook_attempts',
        'renders.webhook_deliveries',
        'renders.webhook_endpoints',
        'renders.webhook_secrets',
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('keeps balances from going negative at the database level', async () => {
    const db = createDb({ url: database.url });
    try {
      await migrateSchema(db, 'keys');
      await expect(
        db.insertInto('keys.accounts').values({ email: 'neg@example.com', credits: -1 }).execute(),
      ).rejects.toThrow(/check constraint/);
    } finally {
      await db.destroy();
    }
  });
});
