import { Migrator, sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '@platen/testing';
import { createDb } from './create-db.js';
import { MIGRATIONS, migrateSchema } from './migrate.js';
import { insertFixtureMockup } from '../test/support/testing.js';

describe('migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('migrate');
  });
  afterAll(() => database.drop());

  it('creates each schema on a fresh database and applies nothing the second time', async () => {
    const db = createDb({ url: database.url });
    try {
      expect(await migrateSchema(db, 'keys')).toEqual(['keys/0001_initial', 'keys/0002_session_epoch']);
      expect(await migrateSchema(db, 'renders')).toEqual([
        'renders/0001_initial',
        'renders/0002_webhooks',
        'renders/0003_mockups_account_index',
        'renders/0004_mockup_imports',
        'renders/0005_render_refunds',
        'renders/0006_render_warnings',
        'renders/0007_batches',
        'renders/0008_print_files',
        'renders/0009_batches_processing',
        'renders/0010_batches_finished_event',
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
        'renders.batch_idempotency_keys',
        'renders.batches',
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

  it('marks batches finished before 0010 as having their batch.finished queued, so the sweep leaves them', async () => {
    const older = await createTestDatabase('migrate_finished_event');
    const db = createDb({ url: older.url });
    try {
      await sql`create schema if not exists renders`.execute(db);
      const migrator = new Migrator({
        db,
        provider: { getMigrations: () => Promise.resolve(MIGRATIONS.renders) },
        migrationTableSchema: 'renders',
      });
      expect((await migrator.migrateTo('0009_batches_processing')).error).toBeUndefined();
      const completedAt = new Date('2026-11-30T12:00:00Z');
      await sql`insert into renders.batches (id, account_id, status, render_count, credits_charged, completed_at)
        values ('00000000-0000-4000-8000-00000000000f', '00000000-0000-4000-8000-000000000001', 'finished', 1, 1, ${completedAt}),
               ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000001', 'processing', 1, 1, null)`.execute(
        db,
      );

      expect(await migrateSchema(db, 'renders')).toEqual(['renders/0010_batches_finished_event']);

      const { rows } = await sql<{ status: string; finished_event_queued_at: Date | null }>`
        select status, finished_event_queued_at from renders.batches order by status`.execute(db);
      expect(rows).toEqual([
        { status: 'finished', finished_event_queued_at: completedAt },
        { status: 'processing', finished_event_queued_at: null },
      ]);
    } finally {
      await db.destroy();
      await older.drop();
    }
  });

  it('never records a render refunded by more than it was charged', async () => {
    const db = createDb({ url: database.url });
    try {
      await migrateSchema(db, 'renders');
      const mockupId = await insertFixtureMockup(db, { slug: 'refund-check' });
      const render = {
        account_id: '00000000-0000-4000-8000-000000000001',
        mockup_id: mockupId,
        status: 'failed' as const,
        inputs: '[]',
        export_options: '{}',
        webhook_url: null,
        metadata: null,
        credits_charged: 2,
      };
      await expect(
        db
          .insertInto('renders.renders')
          .values({ ...render, id: '00000000-0000-4000-8000-000000000003', credits_refunded: 3 })
          .execute(),
      ).rejects.toThrow(/renders_credits_refunded_range/);
      const refunded = await db
        .insertInto('renders.renders')
        .values({ ...render, id: '00000000-0000-4000-8000-000000000004', credits_refunded: 2 })
        .returning('credits_refunded')
        .executeTakeFirstOrThrow();
      expect(refunded.credits_refunded).toBe(2);
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
