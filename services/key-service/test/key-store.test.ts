import { ApiError, hashApiKeySecret, parseApiKey } from '@platen/contracts';
import { sql } from 'kysely';
import { KEY_PREFIX, startHarness, uniqueEmail, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('keystore');
});
afterAll(async () => {
  await h.close();
});

async function newAccount() {
  return h.stores.accounts.create({ email: uniqueEmail('keys'), credits: 0 });
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

/** Every text and bytea value of every table in schema `keys`, as a database dump would hold them. */
async function dumpKeysSchema(): Promise<Array<string | Buffer>> {
  const columns = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'keys' and data_type in ('text', 'bytea', 'character varying')`.execute(h.db);
  const values: Array<string | Buffer> = [];
  for (const { table_name, column_name } of columns.rows) {
    const rows = await sql<{ value: string | Buffer | null }>`
      select ${sql.ref(column_name)} as value from ${sql.table(`keys.${table_name}`)}`.execute(h.db);
    for (const { value } of rows.rows) if (value !== null) values.push(value);
  }
  return values;
}

describe('issuing keys', () => {
  it('shows the full key once at creation and keeps only the SHA-256 of its secret', async () => {
    const account = await newAccount();
    const created = await h.stores.keys.create(account.id, { name: 'deploy' });
    expect(created.key).toMatch(/^sm_[A-Za-z0-9]{64}$/);
    expect(created).toMatchObject({ name: 'deploy', status: 'active', key_hint: created.key.slice(0, 11) });

    const parsed = parseApiKey(created.key, KEY_PREFIX)!;
    const row = await h.db
      .selectFrom('keys.api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash.equals(hashApiKeySecret(parsed.secret))).toBe(true);

    const { items } = await h.stores.keys.list(account.id, { limit: 10 });
    expect(items).toHaveLength(1);
    expect(JSON.stringify(items)).not.toContain(parsed.secret);
    expect(items[0]).not.toHaveProperty('key');
  });

  it('leaves no usable key in a dump of schema keys: neither the key, its secret nor its body', async () => {
    const account = await newAccount();
    const created = await h.stores.keys.create(account.id, { name: 'dumped' });
    const rotated = await h.stores.keys.rotate(created.id, { grace_seconds: 10 });
    const dump = await dumpKeysSchema();
    expect(dump.length).toBeGreaterThan(0);
    for (const key of [created.key, rotated.key.key]) {
      const { secret } = parseApiKey(key, KEY_PREFIX)!;
      const body = key.slice(KEY_PREFIX.length);
      for (const value of dump) {
        const text = Buffer.isBuffer(value) ? value.toString('latin1') : value;
        expect(text).not.toContain(secret);
        expect(text).not.toContain(body);
        if (Buffer.isBuffer(value))
          expect(value.toString('hex')).not.toContain(Buffer.from(secret).toString('hex'));
      }
    }
  });

  it('refuses an expires_at that is not in the future with VALIDATION_ERROR naming expires_at', async () => {
    const account = await newAccount();
    for (const expires_at of [
      h.clock.now().toISOString(),
      new Date(h.clock.now().getTime() - 1_000).toISOString(),
    ]) {
      const error = await rejection(h.stores.keys.create(account.id, { name: 'late', expires_at }));
      expect(error.code).toBe('VALIDATION_ERROR');
      expect(error.details).toEqual({ issues: [expect.objectContaining({ path: 'expires_at' })] });
    }
    expect(await h.stores.keys.count(account.id)).toBe(0);
  });

  it('answers NOT_FOUND for an unknown or malformed account id', async () => {
    expect((await rejection(h.stores.keys.create('not-a-uuid', { name: 'x' }))).code).toBe('NOT_FOUND');
    expect((await rejection(h.stores.keys.create(crypto.randomUUID(), { name: 'x' }))).code).toBe(
      'NOT_FOUND',
    );
  });

  it('refuses new keys for a disabled account with 409 CONFLICT', async () => {
    const account = await newAccount();
    await h.stores.accounts.disable(account.id);
    expect((await rejection(h.stores.keys.create(account.id, { name: 'late' }))).code).toBe('CONFLICT');
  });
});

describe('listing keys', () => {
  it("lists an account's keys newest first, page by page, with their status", async () => {
    const account = await newAccount();
    const names = ['one', 'two', 'three'];
    const ids: string[] = [];
    for (const name of names) {
      ids.push((await h.stores.keys.create(account.id, { name })).id);
      h.clock.advance(1_000);
    }
    await h.stores.keys.revoke(ids[0]!);
    const first = await h.stores.keys.list(account.id, { limit: 2 });
    expect(first.items.map((k) => k.name)).toEqual(['three', 'two']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await h.stores.keys.list(account.id, { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((k) => [k.name, k.status])).toEqual([['one', 'revoked']]);
    expect(second.nextCursor).toBeNull();
  });

  it('filters by the status the list shows: active, revoked (also by a due rotation) and expired', async () => {
    const account = await newAccount();
    const now = h.clock.now().getTime();
    await h.stores.keys.create(account.id, { name: 'active' });
    await h.stores.keys.create(account.id, {
      name: 'expiring',
      expires_at: new Date(now + 60_000).toISOString(),
    });
    const revoked = await h.stores.keys.create(account.id, { name: 'revoked' });
    await h.stores.keys.revoke(revoked.id);
    const rotated = await h.stores.keys.create(account.id, { name: 'rotated' });
    await h.stores.keys.rotate(rotated.id, { grace_seconds: 30 });
    h.clock.advance(61_000);

    const names = async (status: 'active' | 'revoked' | 'expired') =>
      (await h.stores.keys.list(account.id, { limit: 10, status })).items
        .map((k) => [k.name, k.status])
        .sort();
    expect(await names('revoked')).toEqual([
      ['revoked', 'revoked'],
      ['rotated', 'revoked'],
    ]);
    expect(await names('expired')).toEqual([['expiring', 'expired']]);
    expect(await names('active')).toEqual([
      ['active', 'active'],
      ['rotated', 'active'],
    ]);
  });

  it('refuses a cursor that does not decode with VALIDATION_ERROR naming cursor', async () => {
    const account = await newAccount();
    const error = await rejection(h.stores.keys.list(account.id, { limit: 2, cursor: 'garbage' }));
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.details).toEqual({ issues: [expect.objectContaining({ path: 'cursor' })] });
  });
});

describe('revoking keys', () => {
  it('is irreversible and keeps the first revocation time when repeated', async () => {
    const account = await newAccount();
    const created = await h.stores.keys.create(account.id, { name: 'x' });
    const firstTime = h.clock.now();
    expect((await h.stores.keys.revoke(created.id)).status).toBe('revoked');
    h.clock.advance(60_000);
    expect((await h.stores.keys.revoke(created.id)).status).toBe('revoked');
    const row = await h.db
      .selectFrom('keys.api_keys')
      .select('revoked_at')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.revoked_at?.toISOString()).toBe(firstTime.toISOString());
  });

  it("answers NOT_FOUND, never FORBIDDEN, for another account's key and for malformed ids", async () => {
    const owner = await newAccount();
    const stranger = await newAccount();
    const created = await h.stores.keys.create(owner.id, { name: 'mine' });
    expect((await rejection(h.stores.keys.revoke(created.id, { accountId: stranger.id }))).code).toBe(
      'NOT_FOUND',
    );
    expect(
      (await rejection(h.stores.keys.rotate(created.id, { grace_seconds: 0 }, { accountId: stranger.id })))
        .code,
    ).toBe('NOT_FOUND');
    expect((await rejection(h.stores.keys.revoke('123'))).code).toBe('NOT_FOUND');
    expect((await rejection(h.stores.keys.revoke(created.id, { accountId: 'nope' }))).code).toBe('NOT_FOUND');
    expect(await h.verifier.verify(created.key)).toMatchObject({ status: 'active' });
  });

  it("brings a rotated key's scheduled revocation forward to now", async () => {
    const account = await newAccount();
    const created = await h.stores.keys.create(account.id, { name: 'x' });
    await h.stores.keys.rotate(created.id, { grace_seconds: 3600 });
    h.clock.advance(1_000);
    const now = h.clock.now();
    expect((await h.stores.keys.revoke(created.id)).status).toBe('revoked');
    expect(await h.verifier.verify(created.key)).toMatchObject({
      status: 'revoked',
      revoked_at: now.toISOString(),
    });
  });
});

describe('rotating keys', () => {
  it('issues a new key with the same name, expiry and limits and schedules the old one to stop after the grace', async () => {
    const account = await newAccount();
    const expires_at = new Date(h.clock.now().getTime() + 86_400_000).toISOString();
    const old = await h.stores.keys.create(account.id, {
      name: 'prod',
      expires_at,
      rate_limits: { per_minute: 7, per_day: 70 },
    });
    const { key: fresh, replaced } = await h.stores.keys.rotate(old.id, { grace_seconds: 30 });
    expect(fresh.key).not.toBe(old.key);
    expect(fresh).toMatchObject({ name: 'prod', expires_at, status: 'active' });
    expect(replaced).toMatchObject({
      id: old.id,
      status: 'active',
      revoked_at: new Date(h.clock.now().getTime() + 30_000).toISOString(),
    });
    expect(await h.verifier.verify(fresh.key)).toMatchObject({ limits: { per_minute: 7, per_day: 70 } });
    const row = await h.db
      .selectFrom('keys.api_keys')
      .select('replaced_by')
      .where('id', '=', old.id)
      .executeTakeFirstOrThrow();
    expect(row.replaced_by).toBe(fresh.id);
    h.clock.advance(30_000);
    expect(await h.verifier.verify(old.key)).toMatchObject({ status: 'revoked' });
  });

  it('stops the old key at once with the default grace of 0', async () => {
    const account = await newAccount();
    const old = await h.stores.keys.create(account.id, { name: 'now' });
    await h.stores.keys.rotate(old.id, { grace_seconds: 0 });
    expect(await h.verifier.verify(old.key)).toMatchObject({ status: 'revoked' });
  });

  it('refuses to rotate a revoked key or a key that was already rotated, with 409 CONFLICT and no new key', async () => {
    const account = await newAccount();
    const revoked = await h.stores.keys.create(account.id, { name: 'r' });
    await h.stores.keys.revoke(revoked.id);
    const rotated = await h.stores.keys.create(account.id, { name: 'twice' });
    await h.stores.keys.rotate(rotated.id, { grace_seconds: 600 });
    const countBefore = await h.stores.keys.count(account.id);

    const onRevoked = await rejection(h.stores.keys.rotate(revoked.id, { grace_seconds: 0 }));
    expect([onRevoked.code, onRevoked.message]).toEqual(['CONFLICT', 'key is revoked']);
    const onRotated = await rejection(h.stores.keys.rotate(rotated.id, { grace_seconds: 0 }));
    expect([onRotated.code, onRotated.message]).toEqual(['CONFLICT', 'key was already rotated']);
    expect(await h.stores.keys.count(account.id)).toBe(countBefore);
  });

  it('refuses to rotate an expired key with 409 CONFLICT', async () => {
    const account = await newAccount();
    const expires_at = new Date(h.clock.now().getTime() + 1_000).toISOString();
    const created = await h.stores.keys.create(account.id, { name: 'old', expires_at });
    h.clock.advance(1_000);
    const error = await rejection(h.stores.keys.rotate(created.id, { grace_seconds: 0 }));
    expect([error.code, error.message]).toEqual(['CONFLICT', 'key is expired']);
  });
});
