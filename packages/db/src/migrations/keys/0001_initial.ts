import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('keys.accounts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('credits', 'bigint', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`credits >= 0`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('disabled_at', 'timestamptz')
    .execute();
  await sql`create unique index accounts_email_lower on keys.accounts (lower(email))`.execute(db);

  await db.schema
    .createTable('keys.users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('keys.accounts.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index users_email_lower on keys.users (lower(email))`.execute(db);

  await db.schema
    .createTable('keys.api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('keys.accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('lookup_id', 'text', (c) => c.notNull().unique())
    .addColumn('secret_hash', 'bytea', (c) => c.notNull())
    .addColumn('key_hint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('rate_limit_per_minute', 'integer', (c) => c.check(sql`rate_limit_per_minute > 0`))
    .addColumn('rate_limit_per_day', 'integer', (c) => c.check(sql`rate_limit_per_day > 0`))
    .addColumn('replaced_by', 'uuid', (c) => c.references('keys.api_keys.id'))
    .addColumn('requests_total', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('credits_used', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('api_keys_account')
    .on('keys.api_keys')
    .columns(['account_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('keys.credit_ledger')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('keys.accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('grant', 'charge', 'refund')`))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('render_id', 'uuid')
    .addColumn('key_id', 'uuid')
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The idempotency of charges and refunds: at most one of each per render, enforced by Postgres.
  await sql`create unique index credit_ledger_once_per_render on keys.credit_ledger (render_id, kind) where render_id is not null`.execute(
    db,
  );
  await db.schema
    .createIndex('credit_ledger_account')
    .on('keys.credit_ledger')
    .columns(['account_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('keys.key_usage')
    .addColumn('key_id', 'uuid', (c) => c.notNull().references('keys.api_keys.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('requests', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('renders', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('credits', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('key_usage_pk', ['key_id', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['key_usage', 'credit_ledger', 'api_keys', 'users', 'accounts']) {
    await db.schema.dropTable(`keys.${table}`).ifExists().execute();
  }
}
