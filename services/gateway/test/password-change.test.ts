// Changing the dashboard password through the gateway, against the real key-service, Postgres and
// Redis: the session that changed it goes on (its cookies re-issued), every other session of the user
// is refused at once with 401 in the envelope, and only the new password logs in. A wrong current
// password is 403 and ends nothing; its guesses count against the log-in throttle.
import { randomUUID } from 'node:crypto';
import { Browser } from './support/dashboard-browser.js';
import { STACK_START_TIMEOUT_MS, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(60_000);

const stack = new TestStack('gw-password');
const PASSWORD = 'the first long password';
const NEW_PASSWORD = 'the second long password';
const LOGIN_LIMITS = { perEmail: 3, perAddress: 50, signUpsPerAddress: 100, windowSeconds: 60 };
let gateway: TestGateway;

const email = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

async function loggedIn(address: string, password: string): Promise<Browser> {
  const browser = new Browser(gateway.url);
  const answer = await browser.post('/dashboard/api/login', { email: address, password });
  expect(answer.status).toBe(200);
  return browser;
}

beforeAll(async () => {
  await stack.start();
  gateway = await stack.startGateway({ loginLimits: LOGIN_LIMITS });
}, STACK_START_TIMEOUT_MS);

afterAll(() => stack.teardown());

describe('changing the password', () => {
  it('ends every other session at once, keeps the changing one, and lets only the new password in', async () => {
    const address = email('change');
    const first = new Browser(gateway.url);
    expect((await first.post('/dashboard/api/signup', { email: address, password: PASSWORD })).status).toBe(
      201,
    );
    const second = await loggedIn(address, PASSWORD);
    const oldCookie = first.cookies.get('platen_session')!;

    const changed = await first.post('/dashboard/api/password', {
      current_password: PASSWORD,
      new_password: NEW_PASSWORD,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.data).toMatchObject({ user: { email: address }, csrf_token: first.csrf });
    expect(first.cookies.get('platen_session')).not.toBe(oldCookie);

    const refused = await second.get('/dashboard/api/me');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ success: false, code: 'UNAUTHORIZED' });
    expect((await second.post('/dashboard/api/keys', { name: 'after the change' })).status).toBe(401);

    // The token the changing session held before is of the old epoch too.
    const replay = new Browser(gateway.url);
    replay.cookies.set('platen_session', oldCookie);
    expect((await replay.get('/dashboard/api/me')).status).toBe(401);

    const me = await first.get('/dashboard/api/me');
    expect(me.status).toBe(200);
    expect((await first.post('/dashboard/api/keys', { name: 'still signed in' })).status).toBe(201);

    const oldPassword = await new Browser(gateway.url).post('/dashboard/api/login', {
      email: address,
      password: PASSWORD,
    });
    expect(oldPassword.status).toBe(401);
    expect(oldPassword.body).toMatchObject({ success: false, code: 'UNAUTHORIZED' });
    const again = await loggedIn(address, NEW_PASSWORD);
    expect((await again.get('/dashboard/api/me')).status).toBe(200);
  });

  it('refuses a wrong current password with 403, ends no session, and throttles the guesses', async () => {
    const address = email('wrong');
    const first = new Browser(gateway.url);
    await first.post('/dashboard/api/signup', { email: address, password: PASSWORD });
    const second = await loggedIn(address, PASSWORD);

    const wrong = await first.post('/dashboard/api/password', {
      current_password: 'a guessed password',
      new_password: NEW_PASSWORD,
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({
      success: false,
      code: 'FORBIDDEN',
      error: 'The current password is wrong',
    });
    expect((await first.get('/dashboard/api/me')).status).toBe(200);
    expect((await second.get('/dashboard/api/me')).status).toBe(200);

    let status = 0;
    for (let guess = 0; guess < LOGIN_LIMITS.perEmail && status !== 429; guess++) {
      status = (
        await first.post('/dashboard/api/password', {
          current_password: `guess ${guess} of the password`,
          new_password: NEW_PASSWORD,
        })
      ).status;
    }
    expect(status).toBe(429);
    expect((await second.get('/dashboard/api/me')).status).toBe(200);
  });

  it('needs a session and the CSRF token, and names new_password when it is too short', async () => {
    const anonymous = await fetch(`${gateway.url}/dashboard/api/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: gateway.url },
      body: JSON.stringify({ current_password: PASSWORD, new_password: NEW_PASSWORD }),
    });
    expect(anonymous.status).toBe(401);

    const address = email('csrf');
    const browser = new Browser(gateway.url);
    await browser.post('/dashboard/api/signup', { email: address, password: PASSWORD });
    const forged = await browser.post(
      '/dashboard/api/password',
      { current_password: PASSWORD, new_password: NEW_PASSWORD },
      { 'x-csrf-token': 'not the token' },
    );
    expect(forged.status).toBe(403);
    const short = await browser.post('/dashboard/api/password', {
      current_password: PASSWORD,
      new_password: 'short',
    });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(JSON.stringify(short.body)).toContain('new_password');
    expect(
      (await new Browser(gateway.url).post('/dashboard/api/login', { email: address, password: PASSWORD }))
        .status,
    ).toBe(200);
  });
});
