import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('renders.mockups')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid')
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('processing', 'ready', 'failed')`))
    .addColumn('manifest', 'jsonb', (c) => c.notNull())
    .addColumn('smart_objects', 'jsonb', (c) => c.notNull())
    .addColumn('assets_prefix', 'text', (c) => c.notNull())
    .addColumn('thumbnail_key', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('error', 'text')
    .addColumn('warnings', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  // Slugs are unique among the built-ins and within each account (the all-zero uuid stands for "built-in").
  await sql`create unique index mockups_slug on renders.mockups (coalesce(account_id, '00000000-0000-0000-0000-000000000000'::uuid), slug) where deleted_at is null`.execute(
    db,
  );
  await db.schema
    .createIndex('mockups_account')
    .on('renders.mockups')
    .columns(['account_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('renders.renders')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('account_id', 'uuid', (c) => c.notNull())
    .addColumn('key_id', 'uuid')
    .addColumn('mockup_id', 'uuid', (c) => c.notNull().references('renders.mockups.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('queued', 'processing', 'succeeded', 'failed')`),
    )
    .addColumn('inputs', 'jsonb', (c) => c.notNull())
    .addColumn('export_options', 'jsonb', (c) => c.notNull())
    .addColumn('webhook_url', 'text')
    .addColumn('metadata', 'jsonb')
    .addColumn('credits_charged', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('result_key', 'text')
    .addColumn('result_width', 'integer')
    .addColumn('result_height', 'integer')
    .addColumn('result_format', 'text')
    .addColumn('result_bytes', 'integer')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('webhook_status', 'text', (c) =>
      c.check(sql`webhook_status in ('pending', 'delivered', 'failed')`),
    )
    .addColumn('webhook_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('renders_account_created')
    .on('renders.renders')
    .columns(['account_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('renders.idempotency_keys')
    .addColumn('account_id', 'uuid', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('render_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_created')
    .on('renders.idempotency_keys')
    .column('created_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['idempotency_keys', 'renders', 'mockups']) {
    await db.schema.dropTable(`renders.${table}`).ifExists().execute();
  }
}
