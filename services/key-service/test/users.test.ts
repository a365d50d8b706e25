import { ApiError } from '@platen/contracts';
import { createPasswordHasher, PASSWORD_HASH_PARAMETERS } from '../src/password-hasher.js';
import { createSilentRevocationPublisher } from '../src/revocation-publisher.js';
import { createUserStore, type UserStore } from '../src/user-store.js';
import { startHarness, uniqueEmail, type Harness } from './harness.js';

let h: Harness;
let users: UserStore;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  h = await startHarness('users');
  // The production parameters: what is stored must be what the README documents.
  users = createUserStore({
    db: h.db,
    clock: h.clock,
    hasher: createPasswordHasher(),
    publisher: createSilentRevocationPublisher(),
  });
});
afterAll(async () => {
  await h.close();
});

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('users and passwords', () => {
  it('signs up an account and its user, storing only an argon2id hash at the documented parameters', async () => {
    const email = uniqueEmail('signup');
    const identity = await users.signUp({ email, password: PASSWORD });
    expect(await h.stores.accounts.get(identity.account_id)).toMatchObject({ email, credits: 0 });
    const row = await h.db
      .selectFrom('keys.users')
      .selectAll()
      .where('id', '=', identity.user_id)
      .executeTakeFirstOrThrow();
    const { memoryCost, timeCost, parallelism } = PASSWORD_HASH_PARAMETERS;
    expect(
      row.password_hash.startsWith(`$argon2id$v=19$m=${memoryCost},p=${parallelism},t=${timeCost}$`),
    ).toBe(true);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('verifies the right password, whatever the case of the email', async () => {
    const email = uniqueEmail('login');
    const identity = await users.signUp({ email, password: PASSWORD });
    expect(await users.verifyPassword({ email: email.toUpperCase(), password: PASSWORD })).toEqual(identity);
  });

  it('answers the same 401 UNAUTHORIZED for a wrong password and for an unknown email', async () => {
    const email = uniqueEmail('login');
    await users.signUp({ email, password: PASSWORD });
    const wrong = await rejection(users.verifyPassword({ email, password: `${PASSWORD}!` }));
    const unknown = await rejection(
      users.verifyPassword({ email: uniqueEmail('nobody'), password: PASSWORD }),
    );
    expect([wrong.code, wrong.status, wrong.message]).toEqual([
      'UNAUTHORIZED',
      401,
      'Invalid email or password',
    ]);
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
  });

  it('refuses a login to a disabled account', async () => {
    const email = uniqueEmail('disabled');
    const identity = await users.signUp({ email, password: PASSWORD });
    await h.stores.accounts.disable(identity.account_id);
    expect((await rejection(users.verifyPassword({ email, password: PASSWORD }))).code).toBe('UNAUTHORIZED');
  });

  it('answers 409 CONFLICT for an email already taken, in any case, and creates nothing', async () => {
    const email = uniqueEmail('taken');
    await users.signUp({ email, password: PASSWORD });
    const before = await h.db
      .selectFrom('keys.accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect((await rejection(users.signUp({ email: email.toUpperCase(), password: PASSWORD }))).code).toBe(
      'CONFLICT',
    );
    const after = await h.db
      .selectFrom('keys.accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('gives an account made without a user its user on setPassword, then changes that password', async () => {
    const account = await h.stores.accounts.create({ email: uniqueEmail('operator'), credits: 0 });
    const email = account.email.toUpperCase();
    const first = await users.setPassword({ email, password: PASSWORD });
    expect(first).toEqual({
      user_id: expect.any(String) as unknown,
      account_id: account.id,
      email: account.email,
      session_epoch: 0,
      created: true,
    });
    expect(await users.verifyPassword({ email: account.email, password: PASSWORD })).toMatchObject({
      user_id: first.user_id,
    });
    const second = await users.setPassword({ email, password: `${PASSWORD} two` });
    // A new password ends the sessions of the old one: the user is in its next session epoch.
    expect(second).toEqual({ ...first, session_epoch: 1, created: false });
    expect((await rejection(users.verifyPassword({ email, password: PASSWORD }))).code).toBe('UNAUTHORIZED');
    expect(await users.verifyPassword({ email, password: `${PASSWORD} two` })).toMatchObject({
      user_id: first.user_id,
    });
  });

  it('answers NOT_FOUND on setPassword for an email no account has, and creates nothing', async () => {
    const email = uniqueEmail('nobody');
    expect((await rejection(users.setPassword({ email, password: PASSWORD }))).code).toBe('NOT_FOUND');
    expect(
      await h.db.selectFrom('keys.users').select('id').where('email', '=', email).executeTakeFirst(),
    ).toBeUndefined();
  });

  it('treats a corrupt stored hash as a failed login, not a crash', async () => {
    const email = uniqueEmail('corrupt');
    const identity = await users.signUp({ email, password: PASSWORD });
    await h.db
      .updateTable('keys.users')
      .set({ password_hash: 'not-a-hash' })
      .where('id', '=', identity.user_id)
      .execute();
    expect((await rejection(users.verifyPassword({ email, password: PASSWORD }))).code).toBe('UNAUTHORIZED');
  });
});
