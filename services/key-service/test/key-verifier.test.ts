import { generateApiKey, hashApiKeySecret, parseApiKey } from '@platen/contracts';
import { DEFAULT_LIMITS, KEY_PREFIX, startHarness, uniqueEmail, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('verify');
});
afterAll(async () => {
  await h.close();
});

async function newAccount() {
  return h.stores.accounts.create({ email: uniqueEmail('verify'), credits: 0 });
}

describe('key verification', () => {
  it('answers an active key with its account, id, hint, expiry and the default limits', async () => {
    const account = await newAccount();
    const created = await h.stores.keys.create(account.id, { name: 'ci' });
    expect(await h.verifier.verify(created.key)).toEqual({
      valid: true,
      key_id: created.id,
      account_id: account.id,
      key_hint: created.key.slice(0, KEY_PREFIX.length + 8),
      status: 'active',
      expires_at: null,
      revoked_at: null,
      limits: DEFAULT_LIMITS,
    });
  });

  it("answers the key's own rate limits when it has overrides", async () => {
    const account = await newAccount();
    const created = await h.stores.keys.create(account.id, { name: 'bulk', rate_limits: { per_minute: 5 } });
    const answer = await h.verifier.verify(created.key);
    expect(answer.valid && answer.limits).toEqual({ per_minute: 5, per_day: DEFAULT_LIMITS.per_day });
  });

  it('keeps a key active one second before expires_at and answers expired at expires_at exactly', async () => {
    const account = await newAccount();
    const expiresAt = new Date(h.clock.now().getTime() + 3_600_000);
    const created = await h.stores.keys.create(account.id, {
      name: 'short',
      expires_at: expiresAt.toISOString(),
    });
    h.clock.set(new Date(expiresAt.getTime() - 1_000));
    expect(await h.verifier.verify(created.key)).toMatchObject({ valid: true, status: 'active' });
    h.clock.set(expiresAt);
    expect(await h.verifier.verify(created.key)).toMatchObject({
      valid: true,
      status: 'expired',
      expires_at: expiresAt.toISOString(),
    });
  });

  it('answers revoked, with the revocation time, once the key is revoked', async () => {
    const account = await newAccount();
    const created = await h.stores.keys.create(account.id, { name: 'gone' });
    await h.stores.keys.revoke(created.id);
    expect(await h.verifier.verify(created.key)).toMatchObject({
      valid: true,
      status: 'revoked',
      revoked_at: h.clock.now().toISOString(),
    });
  });

  it('answers revoked for every key of a disabled account', async () => {
    const account = await newAccount();
    const first = await h.stores.keys.create(account.id, { name: 'a' });
    const second = await h.stores.keys.create(account.id, { name: 'b' });
    await h.stores.accounts.disable(account.id);
    for (const key of [first.key, second.key]) {
      expect(await h.verifier.verify(key)).toMatchObject({ valid: true, status: 'revoked' });
    }
  });

  it('answers { valid: false } for a well-formed key that was never issued', async () => {
    expect(await h.verifier.verify(generateApiKey(KEY_PREFIX).key)).toEqual({ valid: false });
  });

  it('answers exactly as for an unknown key when the lookup id exists but the secret is wrong', async () => {
    const account = await newAccount();
    const created = await h.stores.keys.create(account.id, { name: 'target' });
    expect(await h.verifier.verify(created.key)).toMatchObject({ valid: true });
    // Same lookup id, another secret on record: the presented secret no longer matches.
    await h.db
      .updateTable('keys.api_keys')
      .set({ secret_hash: hashApiKeySecret(generateApiKey(KEY_PREFIX).secret) })
      .where('id', '=', created.id)
      .execute();
    expect(parseApiKey(created.key, KEY_PREFIX)).not.toBeNull();
    expect(await h.verifier.verify(created.key)).toEqual({ valid: false });
  });

  it('answers { valid: false } for malformed keys, a bad checksum and another prefix', async () => {
    const account = await newAccount();
    const { key } = await h.stores.keys.create(account.id, { name: 'real' });
    const lastChar = key.at(-1) === 'a' ? 'b' : 'a';
    for (const candidate of ['', 'sm_short', key.slice(0, -1) + lastChar, 'pk_' + key.slice(3), key + 'x']) {
      expect(await h.verifier.verify(candidate)).toEqual({ valid: false });
    }
  });

  it('keeps a rotated-out key active with its scheduled revoked_at until the grace ends, then revoked', async () => {
    const account = await newAccount();
    const old = await h.stores.keys.create(account.id, { name: 'rotating' });
    const { key: fresh } = await h.stores.keys.rotate(old.id, { grace_seconds: 60 });
    const graceEnd = new Date(h.clock.now().getTime() + 60_000);
    expect(await h.verifier.verify(old.key)).toMatchObject({
      status: 'active',
      revoked_at: graceEnd.toISOString(),
    });
    expect(await h.verifier.verify(fresh.key)).toMatchObject({ status: 'active', revoked_at: null });
    h.clock.set(new Date(graceEnd.getTime() - 1_000));
    expect(await h.verifier.verify(old.key)).toMatchObject({ status: 'active' });
    h.clock.set(graceEnd);
    expect(await h.verifier.verify(old.key)).toMatchObject({ status: 'revoked' });
    expect(await h.verifier.verify(fresh.key)).toMatchObject({ status: 'active' });
  });

  it('does not write to Postgres: last_used_at and counters stay untouched', async () => {
    const account = await newAccount();
    const created = await h.stores.keys.create(account.id, { name: 'read-only' });
    const before = await h.db
      .selectFrom('keys.api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirst();
    for (let i = 0; i < 3; i++) await h.verifier.verify(created.key);
    const after = await h.db
      .selectFrom('keys.api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirst();
    expect(after).toEqual(before);
    expect(after?.last_used_at).toBeNull();
  });
});
