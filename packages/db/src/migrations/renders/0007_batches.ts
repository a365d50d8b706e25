// Batches (`POST /api/v1/renders/batch`): one row per batch, its renders ordinary render rows that
// point back to it (batch_id) and carry the item's export_label. A batch's Idempotency-Key has its
// own table (same key + same body → the same batch). Its `batch.finished` event is a webhook
// delivery keyed by batch_id, one per target like a render's events.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('renders.batches')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('account_id', 'uuid', (c) => c.notNull())
    .addColumn('key_id', 'uuid')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('processing')
        .check(sql`status in ('processing', 'finished')`),
    )
    .addColumn('render_count', 'integer', (c) => c.notNull())
    .addColumn('credits_charged', 'integer', (c) => c.notNull())
    .addColumn('webhook_url', 'text')
    .addColumn('render_webhooks', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('metadata', 'jsonb')
    .addColumn('artwork_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('batches_account_created')
    .on('renders.batches')
    .columns(['account_id', 'created_at', 'id'])
    .execute();

  await db.schema.alterTable('renders.renders').addColumn('batch_id', 'uuid').execute();
  await db.schema.alterTable('renders.renders').addColumn('export_label', 'text').execute();
  await sql`create index renders_batch on renders.renders (batch_id, created_at, id) where batch_id is not null`.execute(
    db,
  );

  await db.schema
    .createTable('renders.batch_idempotency_keys')
    .addColumn('account_id', 'uuid', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('batch_idempotency_keys_pk', ['account_id', 'key'])
    .execute();
  await db.schema
    .createIndex('batch_idempotency_keys_created')
    .on('renders.batch_idempotency_keys')
    .column('created_at')
    .execute();

  await db.schema.alterTable('renders.webhook_deliveries').addColumn('batch_id', 'uuid').execute();
  await sql`create unique index webhook_deliveries_batch_target on renders.webhook_deliveries (batch_id, event_type, coalesce(endpoint_id, '00000000-0000-0000-0000-000000000000'::uuid)) where batch_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists renders.webhook_deliveries_batch_target`.execute(db);
  await db.schema.alterTable('renders.webhook_deliveries').dropColumn('batch_id').execute();
  await db.schema.dropTable('renders.batch_idempotency_keys').execute();
  await sql`drop index if exists renders.renders_batch`.execute(db);
  await db.schema.alterTable('renders.renders').dropColumn('export_label').execute();
  await db.schema.alterTable('renders.renders').dropColumn('batch_id').execute();
  await db.schema.dropTable('renders.batches').execute();
}
